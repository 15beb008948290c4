/** `meltano-temporal worker`: run the worker for one project. */
import { Command } from 'commander';
import { loadProject } from '../project/load.js';
import { connectionSettings, type ConnectionFlags } from '../temporal/connection.js';
import { addServerOptions } from './server-context.js';
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
    .option('--shutdown-grace <duration>', 'on SIGTERM/SIGINT, how long running tasks may finish before they are cancelled', '5m')
    .option('--metrics <host:port>', 'serve Prometheus metrics, e.g. 0.0.0.0:9464');
}

export function workerCommand(): Command {
  return addWorkerOptions(addServerOptions(new Command('worker')))
    .description('Run a worker: executes the job workflows of this project and the `meltano run` tasks.')
    .action(action(async (flags: WorkerFlags, cmd: Command) => {
      const project = loadProject(projectOptions(cmd));
      const { runWorker } = await import('../temporal/worker.js');
      const max = Number(flags.maxConcurrentTasks);
      if (!Number.isInteger(max) || max < 1) throw new (await import('../project/errors.js')).UsageError(`--max-concurrent-tasks must be a whole number of at least 1, not '${flags.maxConcurrentTasks}'`);
      await runWorker({
        projectRoot: project.root,
        connection: connectionSettings(flags),
        taskQueue: flags.taskQueue ?? process.env.MELTANO_TEMPORAL_TASK_QUEUE ?? 'meltano',
        maxConcurrentTasks: max,
        shutdownGraceTime: flags.shutdownGrace,
        ...(flags.metrics ? { metricsBind: flags.metrics } : {}),
        onReady: (i) => process.stderr.write(`worker: project ${project.root}, polling task queue '${i.taskQueue}' on ${i.address} (namespace ${i.namespace}); Ctrl-C stops it\n`),
      });
      process.stderr.write('worker: stopped\n');
    }));
}
