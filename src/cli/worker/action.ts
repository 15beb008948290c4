/** What `meltano-temporal worker` does when it runs (its flags are in command.ts). */
import type { Command } from 'commander';
import { loadProject } from '../../project/load.js';
import { resolveScope, taskQueueList } from '../../temporal/scope.js';
import { projectOptions } from '../program/action.js';
import { errorReport } from '../program/error-report.js';
import { settingsOf } from '../program/server-context.js';
import { serverFlags } from '../program/server-options.js';
import { workerSettings, type WorkerFlags } from './flags.js';
import { jsonLogLine, parseLogFormat, type LogFormat } from '../../util/log-line.js';
import { keepRunningWhenOutputCloses } from '../program/closed-output.js';
import { onStopSignals } from '../program/stop-signals.js';
import { captureTaskBaseEnvironment } from '../../meltano/child-env.js';

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
  // and a second one ends the process without waiting (stop-signals.ts: a SIGTERM repeated
  // within 2 s is the same request, as under `meltano invoke` or `systemctl stop`).
  const stop = new AbortController();
  let ready = false;
  const exitNow = (signal: NodeJS.Signals): never => {
    say('INFO', `${signal}: stopped${ready ? ' without waiting for running tasks' : ''}`);
    process.exit(SIGNAL_EXIT[signal] ?? 1);
  };
  onStopSignals({
    stop: (signal) => {
      if (!ready) exitNow(signal);
      say('INFO', `${signal}: stopping; running tasks get the grace period (Ctrl-C again to stop now)`);
      stop.abort();
    },
    same: (signal) => say('INFO', `${signal} again: the same stop request, still waiting for running tasks`),
    again: exitNow,
  });
  // Under `meltano invoke`, meltano exits at Ctrl-C and closes stderr: the drain goes on (closed-output.ts).
  keepRunningWhenOutputCloses();
  // What `meltano run` tasks start from, read while the meltano that started this process runs (child-env.ts).
  const base = captureTaskBaseEnvironment();
  if (base.note) say('WARN', base.note);
  let code = 0;
  try {
    const project = loadProject(projectOptions(cmd));
    const settings = workerSettings(flags);
    const connection = await settingsOf(cmd);
    const [taskQueue, ...extraTaskQueues] = taskQueueList(resolveScope(project, serverFlags(cmd)).taskQueue);
    const { runWorker } = await import('../../temporal/worker.js');
    await runWorker({
      projectRoot: project.root,
      connection,
      taskQueue,
      extraTaskQueues,
      ...settings,
      signal: stop.signal,
      onReady: (i) => {
        ready = true;
        say(
          'INFO',
          `project ${project.root}, polling task queue ${i.taskQueues.map((q) => `'${q}'`).join(', ')} on ${i.address} (namespace ${i.namespace}); Ctrl-C stops it`,
        );
        // Several workers on one queue with local SQLite: state and the run lock are not shared.
        const warn = async (): Promise<void> => {
          const { unsharedStateWarning } = await import('../../temporal/diagnostics.js');
          for (const queue of i.taskQueues) {
            const warning = await unsharedStateWarning(connection, queue, project.settings.databaseUri);
            if (warning) say('WARN', warning);
          }
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
