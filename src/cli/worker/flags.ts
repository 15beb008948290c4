/** The worker's flags, shared by `worker` and `up`, and the one place they are checked. */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { durationMs, parseDuration } from '../../util/duration.js';
import type { WorkerOptions } from '../../temporal/worker.js';
import { LOG_LEVELS, parseHostPort, parseLogLevel, parseWholeNumber } from '../../util/values.js';
import { parseLogFormat } from '../../util/log-line.js';

export interface WorkerFlags {
  maxConcurrentTasks: string;
  activityPollers?: string;
  shutdownGrace: string;
  metrics?: string;
  logRetention?: string;
  /** --log-level and --log-format (addLogOptions). */
  logLevel?: string;
  logFormat?: string;
  workflowsDir?: string;
}

export function addWorkerOptions(cmd: Command): Command {
  return cmd
    .option('--max-concurrent-tasks <n>', 'meltano tasks run at once on this worker', '4')
    .option(
      '--activity-pollers <n>',
      'task queue polls at once, at most the task slots (default: 1 per 4 slots, which leaves slots free for eager dispatch)',
    )
    .option(
      '--shutdown-grace <duration>',
      'on SIGTERM/SIGINT, how long running tasks may finish before they are cancelled (e.g. 30s, 5m, 1h)',
      '5m',
    )
    .option('--metrics <host:port>', 'serve Prometheus metrics, e.g. 0.0.0.0:9464')
    .option(
      '--log-retention <duration>',
      "delete task logs (.meltano/logs/temporal) older than this, e.g. 14d (default: the namespace's retention)",
    )
    .option(
      '--workflows-dir <path>',
      'folder of custom workflow files, relative to the project (default: meltano.yml annotations.temporal.workflows_dir, else orchestrate/workflows)',
    );
}

/** The log flags of `worker` and `up` (which writes its own lines in the same format). */
export function addLogOptions(cmd: Command): Command {
  return cmd
    .option(
      '--log-level <level>',
      `least severe entries logged: ${LOG_LEVELS.join(', ').toLowerCase()} (env MELTANO_TEMPORAL_LOG_LEVEL, default info)`,
    )
    .option(
      '--log-format <format>',
      'text, or json: one JSON object per line with time, level, message and fields, for log shippers',
      'text',
    );
}

/**
 * The worker settings the flags (and MELTANO_TEMPORAL_LOG_LEVEL) give, checked before anything connects.
 * @throws {InvalidValueError} a flag or variable whose value cannot be used
 */
export function workerSettings(
  flags: WorkerFlags,
  env: NodeJS.ProcessEnv = process.env,
): Pick<
  WorkerOptions,
  | 'maxConcurrentTasks'
  | 'activityPollers'
  | 'shutdownGraceTime'
  | 'metricsBind'
  | 'logLevel'
  | 'logFormat'
  | 'logRetention'
  | 'workflowsDir'
> {
  if (flags.logRetention !== undefined && !(durationMs(flags.logRetention) > 0))
    throw new UsageError(`--log-retention must be a duration such as '14d' or '72h', not '${flags.logRetention}'`);
  const maxConcurrentTasks = parseWholeNumber(flags.maxConcurrentTasks, '--max-concurrent-tasks', 1);
  const activityPollers =
    flags.activityPollers !== undefined ? parseWholeNumber(flags.activityPollers, '--activity-pollers', 1) : undefined;
  // A poll holds a task slot while it waits: more polls than slots could never all be in flight.
  if (activityPollers !== undefined && activityPollers > maxConcurrentTasks)
    throw new UsageError(
      `--activity-pollers ${activityPollers} is more than the ${maxConcurrentTasks} task slots (--max-concurrent-tasks): use at most ${maxConcurrentTasks}`,
    );
  return {
    ...(flags.logRetention ? { logRetention: flags.logRetention } : {}),
    ...(flags.workflowsDir ? { workflowsDir: flags.workflowsDir } : {}),
    maxConcurrentTasks,
    ...(activityPollers !== undefined ? { activityPollers } : {}),
    shutdownGraceTime: parseDuration(flags.shutdownGrace, '--shutdown-grace'),
    ...(flags.metrics !== undefined ? { metricsBind: parseHostPort(flags.metrics, '--metrics') } : {}),
    logLevel:
      flags.logLevel !== undefined
        ? parseLogLevel(flags.logLevel, '--log-level')
        : env.MELTANO_TEMPORAL_LOG_LEVEL
          ? parseLogLevel(env.MELTANO_TEMPORAL_LOG_LEVEL, 'MELTANO_TEMPORAL_LOG_LEVEL')
          : 'INFO',
    logFormat: flags.logFormat !== undefined ? parseLogFormat(flags.logFormat, '--log-format') : 'text',
  };
}
