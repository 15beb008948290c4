/** The worker's flags, shared by `worker` and `up`, and the one place they are checked. */
import type { Command } from 'commander';
import { UsageError } from '../project/errors.js';
import { durationMs } from '../util/duration.js';
import type { WorkerOptions } from '../temporal/worker.js';

export interface WorkerFlags {
  maxConcurrentTasks: string;
  shutdownGrace: string;
  metrics?: string;
  logRetention?: string;
}

export function addWorkerOptions(cmd: Command): Command {
  return cmd
    .option('--max-concurrent-tasks <n>', 'meltano tasks run at once on this worker', '4')
    .option(
      '--shutdown-grace <duration>',
      'on SIGTERM/SIGINT, how long running tasks may finish before they are cancelled',
      '5m',
    )
    .option('--metrics <host:port>', 'serve Prometheus metrics, e.g. 0.0.0.0:9464')
    .option(
      '--log-retention <duration>',
      "delete task logs (.meltano/logs/temporal) older than this, e.g. 14d (default: the namespace's retention)",
    );
}

/**
 * The worker settings the flags give.
 * @throws {UsageError} --max-concurrent-tasks is not a whole number of at least 1
 */
export function workerSettings(
  flags: WorkerFlags,
): Pick<WorkerOptions, 'maxConcurrentTasks' | 'shutdownGraceTime' | 'metricsBind' | 'logRetention'> {
  const max = Number(flags.maxConcurrentTasks);
  if (!Number.isInteger(max) || max < 1)
    throw new UsageError(
      `--max-concurrent-tasks must be a whole number of at least 1, not '${flags.maxConcurrentTasks}'`,
    );
  if (flags.logRetention !== undefined && !(durationMs(flags.logRetention) > 0))
    throw new UsageError(`--log-retention must be a duration such as '14d' or '72h', not '${flags.logRetention}'`);
  return {
    ...(flags.logRetention ? { logRetention: flags.logRetention } : {}),
    maxConcurrentTasks: max,
    shutdownGraceTime: flags.shutdownGrace,
    ...(flags.metrics ? { metricsBind: flags.metrics } : {}),
  };
}
