/** The worker's flags, shared by `worker` and `up`, and the one place they are checked. */
import type { Command } from 'commander';
import { UsageError } from '../project/errors.js';
import type { WorkerOptions } from '../temporal/worker.js';

export interface WorkerFlags {
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

/**
 * The worker settings the flags give.
 * @throws {UsageError} --max-concurrent-tasks is not a whole number of at least 1
 */
export function workerSettings(
  flags: WorkerFlags,
): Pick<WorkerOptions, 'maxConcurrentTasks' | 'shutdownGraceTime' | 'metricsBind'> {
  const max = Number(flags.maxConcurrentTasks);
  if (!Number.isInteger(max) || max < 1)
    throw new UsageError(
      `--max-concurrent-tasks must be a whole number of at least 1, not '${flags.maxConcurrentTasks}'`,
    );
  return {
    maxConcurrentTasks: max,
    shutdownGraceTime: flags.shutdownGrace,
    ...(flags.metrics ? { metricsBind: flags.metrics } : {}),
  };
}
