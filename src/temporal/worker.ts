/**
 * The worker: polls a task queue, runs the job workflow from a prebuilt
 * bundle and the activities that run `meltano`. On SIGINT/SIGTERM it stops
 * polling, lets running tasks finish within the grace period, then cancels
 * them (which stops their process groups).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../util/paths.js';
import type { LogLevel } from '../util/values.js';
import { jsonLogLine, type LogFormat } from '../util/log-line.js';
import { namespaceError } from './server-errors.js';
import { connectWorker, dataConverter, type ConnectionSettings } from './connection.js';
import { namespaceRetentionMs } from './namespace-retention.js';
import { startLogPruner, type LogPruner } from '../logs/retention.js';
import { defaultNotifySettings } from '../notify/settings.js';
import { UserError } from '../errors.js';
import { durationMs } from '../util/duration.js';
import { formatDuration } from '../../workflows/summary.js';
import { workerSdk } from './sdk.js';
import { startIdleCompaction } from './idle-compaction.js';
import { activityPollers } from './worker-tuning.js';
import { customWorkflowCode } from './custom-workflows.js';
import { logArchiveDir } from '../logs/archive.js';
import { logQueueOf } from '../../workflows/contract.js';

/** When neither --log-retention nor the namespace says: 30 days. */
const FALLBACK_LOG_RETENTION_MS = 30 * 86_400_000;

export interface WorkerOptions {
  /** The project this worker serves (runs without a projectRoot use it). */
  projectRoot: string;
  connection: ConnectionSettings;
  taskQueue: string;
  /**
   * More queues this process polls besides `taskQueue` (`worker --task-queue a,b`), for schedules
   * routed by `annotations.temporal.task_queue`: one SDK worker per queue, on one connection.
   */
  extraTaskQueues?: readonly string[];
  /** At most this many `meltano` tasks at once on this worker (per queue). */
  maxConcurrentTasks?: number;
  /** How long running tasks may finish after a shutdown request, in ms. */
  shutdownGraceTime?: number;
  /** The worker's log level (default INFO). */
  logLevel?: LogLevel;
  /** Lines of text (default), or one JSON object per line for log shippers. */
  logFormat?: LogFormat;
  /** host:port for a Prometheus /metrics endpoint. */
  metricsBind?: string;
  /** Stop the worker when this signal aborts (besides SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Task logs older than this are deleted (a duration such as `14d`); default: the namespace's retention. */
  logRetention?: string;
  /** Base URL of the Temporal Web UI for links in notifications (MELTANO_TEMPORAL_UI_URL wins). */
  uiUrl?: string;
  /**
   * Activity pollers instead of activityPollers(slots), which lets eager dispatch happen;
   * the benchmarks' "before" sets the SDK's old default (one per slot) to print both side by side.
   */
  activityPollers?: number;
  /** Folder of custom workflow files (relative to the project); default: meltano.yml's, else orchestrate/workflows. */
  workflowsDir?: string;
  /** Called once the worker polls. */
  onReady?: (info: { taskQueue: string; taskQueues: string[]; namespace: string; address: string }) => void;
}

export const WORKFLOW_BUNDLE = path.join(PACKAGE_ROOT, 'dist', 'workflow-bundle.js');

let runtimeInstalled = false;

/** After the grace period, cancelled tasks get this long to stop their processes before the worker gives up. */
const FORCE_AFTER_GRACE_MS = 30_000;

async function installRuntime(metricsBind: string | undefined, level: LogLevel, format: LogFormat): Promise<void> {
  if (runtimeInstalled) return;
  const { Runtime, DefaultLogger, makeTelemetryFilterString } = workerSdk();
  // One line per entry: `time LEVEL [task attempt N] message`, so task output reads like a log.
  const logger = new DefaultLogger(level, (entry) => {
    const meta = entry.meta ?? {};
    if (format === 'json') {
      const time = new Date(Number(entry.timestampNanos / 1_000_000n));
      process.stderr.write(`${jsonLogLine(time, entry.level, entry.message, meta)}\n`);
      return;
    }
    const task =
      typeof meta.task === 'string'
        ? ` [${meta.task}${typeof meta.attempt === 'number' ? ` #${meta.attempt}` : ''}]`
        : '';
    const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
    const extra = ['workflowId', 'logFile', 'durationMs', 'taskQueue', 'state', 'error']
      // Output lines carry their task in the prefix; the workflow id shows on start and finish only.
      .filter(
        (k) =>
          meta[k] !== undefined &&
          !(k === 'taskQueue' && task) &&
          !(k === 'workflowId' && task && !entry.message.startsWith('meltano task')),
      )
      .map((k) => `${k}=${String(meta[k] instanceof Error ? (meta[k] as Error).message : meta[k])}`)
      .join(' ');
    process.stderr.write(`${time} ${entry.level.padEnd(5)}${task} ${entry.message}${extra ? `  ${extra}` : ''}\n`);
  });
  Runtime.install({
    logger,
    // The caller owns SIGINT/SIGTERM (options.signal): the SDK's own handlers would swallow a
    // signal that arrives before a worker exists, and the process would then never stop.
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(metricsBind ? { metrics: { prometheus: { bindAddress: metricsBind } } } : {}),
    },
  });
  runtimeInstalled = true;
}

type Logger = import('@temporalio/worker').Logger;

/** A broken MELTANO_TEMPORAL_NOTIFY_* default costs the alerts, not the runs: say so once, at start. */
function checkNotifyDefault(log: Logger): void {
  try {
    defaultNotifySettings(process.env);
  } catch (err) {
    log.warn(`notifications: ${err instanceof UserError ? err.describe() : String(err)}`);
  }
}

/**
 * Prune task logs at start and hourly: for --log-retention, else as long as the namespace keeps history.
 * The shared log archive, when set, is pruned with the same retention.
 */
async function startTaskLogPruner(
  options: WorkerOptions,
  connection: import('@temporalio/worker').NativeConnection,
  log: Logger,
  logArchive: string | undefined,
): Promise<LogPruner[]> {
  let retentionMs = options.logRetention ? durationMs(options.logRetention) : undefined;
  let label = options.logRetention;
  if (retentionMs === undefined) {
    retentionMs = await namespaceRetentionMs(connection, options.connection.namespace).catch(() => undefined);
    label = retentionMs ? `${formatDuration(retentionMs)} (the namespace's retention)` : undefined;
  }
  if (!retentionMs) {
    retentionMs = FALLBACK_LOG_RETENTION_MS;
    label = `${formatDuration(retentionMs)} (the namespace's retention is unknown)`;
  }
  const pruner = (what: string, logRoot?: string): LogPruner =>
    startLogPruner({
      projectRoot: options.projectRoot,
      ...(logRoot ? { logRoot } : {}),
      retentionMs,
      onPrune: (r) => {
        if (r.removed.length)
          log.info(
            `${what}: removed ${r.removed.length} run ${r.removed.length === 1 ? 'directory' : 'directories'} older than ${label}`,
          );
      },
      onError: (err) => log.warn(`${what}: pruning failed: ${String(err)}`),
    });
  return [pruner('task logs'), ...(logArchive ? [pruner(`log archive ${logArchive}`, logArchive)] : [])];
}

export async function runWorker(options: WorkerOptions): Promise<void> {
  await installRuntime(options.metricsBind, options.logLevel ?? 'INFO', options.logFormat ?? 'text');
  const { Worker } = workerSdk();
  const { createActivities, createLogActivities } = await import('../../activities/index.js');
  const { createPoolActivities } = await import('../../activities/pool.js');
  const { createAfterActivities } = await import('../../activities/after.js');
  const connection = await connectWorker(options.connection);
  const { taskQueue } = options;
  const taskQueues = [...new Set([taskQueue, ...(options.extraTaskQueues ?? [])])];
  // The prebuilt bundle starts in well under a second; building from source
  // (development checkouts without `npm run build`) takes several.
  // From the package root, not this file: in the bundled CLI this code lives in dist/cli/chunks/.
  const workflowsPath = path.join(PACKAGE_ROOT, 'dist', 'workflows', 'index.js');
  const log = workerSdk().Runtime.instance().logger;
  // With custom workflows, a bundle of ours and theirs; the prebuilt one when there are none or they fail.
  const custom = await customWorkflowCode(options.projectRoot, options.workflowsDir, log);
  const workflowSource = custom
    ? { workflowBundle: { code: custom } }
    : existsSync(WORKFLOW_BUNDLE)
      ? { workflowBundle: { codePath: WORKFLOW_BUNDLE } }
      : { workflowsPath };
  const dc = await dataConverter();
  const uiUrl = process.env.MELTANO_TEMPORAL_UI_URL || options.uiUrl;
  checkNotifyDefault(log);
  const grace = options.shutdownGraceTime ?? 5 * 60_000;
  const slots = options.maxConcurrentTasks ?? 4;
  const logArchive = logArchiveDir();
  // Set, not defaulted: the history records it for each task, and `runs logs` derives the log queue from it.
  const identity = `${process.pid}@${os.hostname()}`;
  const workers: Array<import('@temporalio/worker').Worker> = [];
  try {
    for (const queue of taskQueues) {
      workers.push(
        await Worker.create({
          connection,
          namespace: options.connection.namespace,
          taskQueue: queue,
          ...workflowSource,
          identity,
          activities: {
            ...createActivities({
              projectRoot: options.projectRoot,
              ...(uiUrl ? { uiUrl } : {}),
              ...(logArchive ? { logArchive } : {}),
            }),
            // The pools' own (annotations.temporal.pool): local activities of the pool and of its runs.
            ...createPoolActivities(),
            // annotations.temporal.after: local activities of the upstream runs and of the coordinators.
            ...createAfterActivities(),
          },
          // Slots of `meltano` tasks; resolveJob and notifyRun are local activities with slots of their own.
          maxConcurrentActivityTaskExecutions: slots,
          // Fewer pollers than slots, so a slot is free for eager dispatch (worker-tuning.ts).
          activityTaskPollerBehavior: {
            type: 'simple-maximum',
            maximum: options.activityPollers ?? activityPollers(slots),
          },
          shutdownGraceTime: grace,
          // A task that ignores its cancellation must not keep the worker up for ever.
          shutdownForceTime: grace + FORCE_AFTER_GRACE_MS,
          // Heartbeats carry cancellation back: send them often enough that a cancel
          // reaches a running task within seconds, not the SDK's default minute.
          maxHeartbeatThrottleInterval: '10s',
          defaultHeartbeatThrottleInterval: '10s',
          ...(dc ? { dataConverter: dc } : {}),
        }),
      );
    }
    // Serves this worker's task logs to `runs logs` on other hosts, on a queue of its own: reading a
    // log never waits behind `meltano` tasks for a slot. It runs, drains and stops with the others.
    workers.push(
      await Worker.create({
        connection,
        namespace: options.connection.namespace,
        taskQueue: logQueueOf(identity),
        identity,
        activities: createLogActivities({ projectRoot: options.projectRoot }),
        maxConcurrentActivityTaskExecutions: 2,
        ...(dc ? { dataConverter: dc } : {}),
      }),
    );
  } catch (err) {
    await connection.close();
    throw namespaceError(err, options.connection.namespace, options.connection.address) ?? err;
  }
  // Stopped while starting: nothing runs yet, so there is nothing to drain.
  if (options.signal?.aborted) {
    await connection.close();
    return;
  }
  const pruners = await startTaskLogPruner(options, connection, log, logArchive);
  const stop = (): void => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MiB`;
  const compaction = startIdleCompaction({
    load: () => {
      const statuses = workers.map((w) => w.getStatus());
      return {
        ...statuses[0]!,
        numInFlightActivities: statuses.reduce((n, s) => n + s.numInFlightActivities, 0),
        numInFlightWorkflowActivations: statuses.reduce((n, s) => n + s.numInFlightWorkflowActivations, 0),
      };
    },
    onCompact: (c) =>
      log.debug(
        `idle: full garbage collection, heap used ${mib(c.heapUsedBefore)} -> ${mib(c.heapUsedAfter)}, resident memory now ${mib(c.residentAfter)}`,
      ),
  });
  try {
    // One worker that stops (a fatal error, shutdown) stops the others: the process serves all its queues or none.
    const running = workers.map((w) => w.run().finally(stop));
    options.onReady?.({
      taskQueue,
      taskQueues,
      namespace: options.connection.namespace,
      address: options.connection.address,
    });
    // Every worker drains before the connection closes; the first failure is the one reported.
    const failed = (await Promise.allSettled(running)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    compaction.stop();
    for (const p of pruners) p.stop();
    await connection.close();
  }
}
