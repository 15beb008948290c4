/** `meltano-temporal worker`: run the worker for one project. */
import { Command } from 'commander';
import { loadProject } from '../project/load.js';
import { resolveScope } from '../temporal/scope.js';
import { printError, projectOptions } from './context.js';
import { addServerOptions, serverFlags, settingsOf } from './server-context.js';
import { addWorkerOptions, workerSettings, type WorkerFlags } from './worker-flags.js';

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function workerCommand(): Command {
  return addWorkerOptions(addServerOptions(new Command('worker')))
    .description('Run a worker: executes the job workflows of this project and the `meltano run` tasks.')
    .action(async (flags: WorkerFlags, cmd: Command) => {
      // The worker owns SIGINT/SIGTERM from the start: before it polls, a signal ends the process
      // at once (nothing runs yet); once it polls, the first signal drains within the grace period
      // and a second one ends the process without waiting.
      const stop = new AbortController();
      let ready = false;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (!ready || stop.signal.aborted) {
          process.stderr.write(`worker: ${signal}: stopped${ready ? ' without waiting for running tasks' : ''}\n`);
          process.exit(SIGNAL_EXIT[signal] ?? 1);
        }
        process.stderr.write(`worker: ${signal}: stopping; running tasks get the grace period (again to stop now)\n`);
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
            process.stderr.write(
              `worker: project ${project.root}, polling task queue '${i.taskQueue}' on ${i.address} (namespace ${i.namespace}); Ctrl-C stops it\n`,
            );
            // Several workers on one queue with local SQLite: state and the run lock are not shared.
            const warn = async (): Promise<void> => {
              const { unsharedStateWarning } = await import('../temporal/diagnostics.js');
              const warning = await unsharedStateWarning(connection, i.taskQueue, project.settings.databaseUri);
              if (warning) process.stderr.write(`worker: WARNING: ${warning}\n`);
            };
            setTimeout(() => void warn().catch(() => undefined), 5000).unref();
          },
        });
        process.stderr.write('worker: stopped\n');
      } catch (err) {
        code = printError(err);
      }
      // The SDK's native runtime keeps the event loop alive after a failed start: end the process here.
      process.exit(code);
    });
}
