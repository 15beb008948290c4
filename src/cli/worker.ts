/** `meltano-temporal worker`: run the worker for one project. */
import { Command } from 'commander';
import { loadProject } from '../project/load.js';
import { resolveScope } from '../temporal/scope.js';
import { action, projectOptions } from './context.js';
import { addServerOptions, serverFlags, settingsOf } from './server-context.js';
import { addWorkerOptions, workerSettings, type WorkerFlags } from './worker-flags.js';

export function workerCommand(): Command {
  return addWorkerOptions(addServerOptions(new Command('worker')))
    .description('Run a worker: executes the job workflows of this project and the `meltano run` tasks.')
    .action(
      action(async (flags: WorkerFlags, cmd: Command) => {
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
          onReady: (i) => {
            process.stderr.write(
              `worker: project ${project.root}, polling task queue '${i.taskQueue}' on ${i.address} (namespace ${i.namespace}); Ctrl-C stops it\n`,
            );
            // Several workers on one queue with local SQLite: state and the run lock are not shared.
            const warn = async (): Promise<void> => {
              const { unsharedStateWarning } = await import('../temporal/diagnostics.js');
              const warning = await unsharedStateWarning(connection, i.taskQueue);
              if (warning) process.stderr.write(`worker: WARNING: ${warning}\n`);
            };
            setTimeout(() => void warn(), 5000).unref();
          },
        });
        process.stderr.write('worker: stopped\n');
      }),
    );
}
