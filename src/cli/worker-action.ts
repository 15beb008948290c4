/** What `meltano-temporal worker` does when it runs (its flags are in worker.ts). */
import type { Command } from 'commander';
import { loadProject } from '../project/load.js';
import { resolveScope } from '../temporal/scope.js';
import { errorReport, projectOptions } from './context.js';
import { settingsOf } from './server-context.js';
import { serverFlags } from './server-options.js';
import { workerSettings, type WorkerFlags } from './worker-flags.js';
import { jsonLogLine, parseLogFormat, type LogFormat } from '../util/log-line.js';

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

type Level = 'INFO' | 'WARN' | 'ERROR';

/** The worker's own lines, in the format of its log: `worker: ...` text, or JSON lines like the SDK's entries. */
function workerSay(logFormat: string | undefined): (level: Level, message: string) => void {
  let format: LogFormat = 'text';
  try {
    format = parseLogFormat(logFormat ?? 'text', '--log-format');
  } catch {
    // Reported as the start-up error, in text.
  }
  return (level, message) => {
    if (format === 'json')
      process.stderr.write(`${jsonLogLine(new Date(), level, message, { sdkComponent: 'cli' })}\n`);
    else if (level === 'ERROR') process.stderr.write(`Error: ${message}\n`);
    else process.stderr.write(`worker: ${level === 'WARN' ? 'WARNING: ' : ''}${message}\n`);
  };
}

/** Run the worker until a signal stops it; the process exits with its code. */
export async function runWorkerCommand(flags: WorkerFlags, cmd: Command): Promise<void> {
  const say = workerSay(flags.logFormat);
  // The worker owns SIGINT/SIGTERM from the start: before it polls, a signal ends the process
  // at once (nothing runs yet); once it polls, the first signal drains within the grace period
  // and a second one ends the process without waiting.
  const stop = new AbortController();
  let ready = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!ready || stop.signal.aborted) {
      say('INFO', `${signal}: stopped${ready ? ' without waiting for running tasks' : ''}`);
      process.exit(SIGNAL_EXIT[signal] ?? 1);
    }
    say('INFO', `${signal}: stopping; running tasks get the grace period (again to stop now)`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code = 0;
  try {
    const project = loadProject(projectOptions(cmd));
    const settings = workerSettings(flags);
    const connection = await settingsOf(cmd);
    const { taskQueue } = resolveScope(project, serverFlags(cmd));
    const { runWorker } = await import('../temporal/worker.js');
    await runWorker({
      projectRoot: project.root,
      connection,
      taskQueue,
      ...settings,
      signal: stop.signal,
      onReady: (i) => {
        ready = true;
        say(
          'INFO',
          `project ${project.root}, polling task queue '${i.taskQueue}' on ${i.address} (namespace ${i.namespace}); Ctrl-C stops it`,
        );
        // Several workers on one queue with local SQLite: state and the run lock are not shared.
        const warn = async (): Promise<void> => {
          const { unsharedStateWarning } = await import('../temporal/diagnostics.js');
          const warning = await unsharedStateWarning(connection, i.taskQueue, project.settings.databaseUri);
          if (warning) say('WARN', warning);
        };
        setTimeout(() => void warn().catch(() => undefined), 5000).unref();
      },
    });
    say('INFO', 'stopped');
  } catch (err) {
    const report = errorReport(err);
    say('ERROR', report.text);
    code = report.exitCode;
  }
  // The SDK's native runtime keeps the event loop alive after a failed start: end the process here.
  process.exit(code);
}
