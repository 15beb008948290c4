/** `meltano-temporal worker`: run the worker for one project. */
import { Command } from 'commander';
import { loadProject } from '../project/load.js';
import { connectionSettings, type ConnectionFlags } from '../temporal/connection.js';
import { addServerOptions, serverContext } from './server-context.js';
import type { Project } from '../project/model.js';
import { action, projectOptions } from './context.js';

export interface WorkerFlags extends ConnectionFlags {
  taskQueue?: string;
  maxConcurrentTasks: string;
  shutdownGrace: string;
  metrics?: string;
}

export function addWorkerOptions(cmd: Command): Command {
  return cmd
    .option('--max-concurrent-tasks <n>', 'meltano tasks run at once on this worker', '4')
    .option(
      '--shutdown-grace <duration>',
      'on SIGTERM/SIGINT, how long running tasks may finish before they are cancelled',
      '5m',
    )
    .option('--metrics <host:port>', 'serve Prometheus metrics, e.g. 0.0.0.0:9464');
}

/** Several workers on one queue with Meltano's local SQLite: state and the run lock are not shared. */
async function warnIfStateNotShared(cmd: Command, project: Project, taskQueue: string): Promise<void> {
  const { activityPollers, usesLocalSystemDb } = await import('./doctor.js');
  if (!usesLocalSystemDb()) return;
  try {
    const server = await serverContext(cmd, project);
    try {
      const pollers = await activityPollers(server, taskQueue);
      if (pollers.length > 1) {
        process.stderr.write(
          `worker: WARNING: ${pollers.length} workers poll '${taskQueue}' but this one uses a local SQLite system database: Meltano state and its run lock are not shared between them. Point MELTANO_DATABASE_URI at one PostgreSQL database for every worker.\n`,
        );
      }
    } finally {
      await server.close();
    }
  } catch {
    // The warning is advisory; the worker itself reports connection problems.
  }
}

export function workerCommand(): Command {
  return addWorkerOptions(addServerOptions(new Command('worker')))
    .description('Run a worker: executes the job workflows of this project and the `meltano run` tasks.')
    .action(
      action(async (flags: WorkerFlags, cmd: Command) => {
        const project = loadProject(projectOptions(cmd));
        const { runWorker } = await import('../temporal/worker.js');
        const max = Number(flags.maxConcurrentTasks);
        if (!Number.isInteger(max) || max < 1)
          throw new (await import('../project/errors.js')).UsageError(
            `--max-concurrent-tasks must be a whole number of at least 1, not '${flags.maxConcurrentTasks}'`,
          );
        await runWorker({
          projectRoot: project.root,
          connection: connectionSettings(flags),
          taskQueue: flags.taskQueue ?? process.env.MELTANO_TEMPORAL_TASK_QUEUE ?? 'meltano',
          maxConcurrentTasks: max,
          shutdownGraceTime: flags.shutdownGrace,
          ...(flags.metrics ? { metricsBind: flags.metrics } : {}),
          onReady: (i) => {
            process.stderr.write(
              `worker: project ${project.root}, polling task queue '${i.taskQueue}' on ${i.address} (namespace ${i.namespace}); Ctrl-C stops it\n`,
            );
            setTimeout(() => void warnIfStateNotShared(cmd, project, i.taskQueue), 5000).unref();
          },
        });
        process.stderr.write('worker: stopped\n');
      }),
    );
}
