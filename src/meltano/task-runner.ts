/**
 * The task runner: one top-level task of a job, `meltano run --run-id <id>
 * <blocks>` (or `meltano elt ...` for a legacy elt schedule) in the project
 * root, with the schedule's env resolved here on the worker (it never
 * travels through Temporal). Progress goes to the caller's heartbeat;
 * cancellation stops the whole process group; every line goes to the
 * caller's log and to a log file per attempt; failures are classified for
 * the retry policy (`MeltanoTaskFailure`). The task activity
 * (activities/run-meltano-task.ts) and `schedule run --local` both run
 * tasks with it; it knows nothing of Temporal.
 */
import { performance } from 'node:perf_hooks';
import { findSchedule } from '../project/model.js';
import { loadProject } from '../project/load.js';
import { locateMeltano } from './executable.js';
import { meltanoRunEnvironment } from './child-env.js';
import { runContextEnvironment, type TaskRunContext } from './run-context-env.js';
import { RowCounter } from './metrics.js';
import { maskedEnvValues, scheduleEnv, secretMasker } from './mask.js';
import { taskLogPath } from './task-logs.js';
import { startGroupProcess } from './process-group.js';
import { ownRunIsStale } from './stale-run.js';
import { runOptionArgs } from './run-options.js';
import { TaskLog } from './task-log.js';
import { archiveTaskLog } from '../logs/archive.js';
import type { TaskActivityInput, TaskHeartbeat, TaskResult } from '../../workflows/types.js';
import { FAILURE } from '../../workflows/contract.js';
import { durationMs, parseDuration } from '../util/duration.js';
import { OutputWatch } from './output-watch.js';
import { formatDuration, totalRows } from '../../workflows/summary.js';

const HEARTBEAT_EVERY_MS = 10_000;
const TAIL_LINES = 40;
/** After SIGTERM, how long Meltano gets to stop its plugins before SIGKILL. */
// Checked when this module loads (the worker loads it with its activities, before it connects): `15s` means 15 s, a bare number ms.
const STOP_GRACE_MS = parseDuration(
  process.env.MELTANO_TEMPORAL_STOP_GRACE_MS || '15000',
  'MELTANO_TEMPORAL_STOP_GRACE_MS',
);
/** Meltano declares a run stale after 5 minutes without heartbeat; wait longer than that. */
const ALREADY_RUNNING_DELAY = '6m';

const CONFIG_ERROR_PATTERNS = [
  /Block \S+ not found/u,
  /Job '.*' was not found/u,
  /is not known to Meltano/u,
  /Cannot find a Meltano project|Not a Meltano project/iu,
  /Environment '.*' was not found/u,
  /A Meltano environment must be specified/u,
];

/** How a task failed, for the retry policy: the activity raises an ApplicationFailure of this type. */
export type TaskFailureType =
  | typeof FAILURE.meltanoConfig
  | typeof FAILURE.meltanoAlreadyRunning
  | typeof FAILURE.meltanoTask
  | typeof FAILURE.taskStalled;

/** A task that did not succeed, classified: never retried, retried after a delay, or retried by the policy. */
export class MeltanoTaskFailure extends Error {
  constructor(
    readonly type: TaskFailureType,
    message: string,
    readonly retry: { nonRetryable?: boolean; nextRetryDelay?: string } = {},
    /** For the failure's details: `[{exitCode, logFile?, attempt}]` once meltano ran. */
    readonly details?: unknown[],
  ) {
    super(message);
    this.name = 'MeltanoTaskFailure';
  }
}

/** The env of the task's schedule, read from meltano.yml on this host. */
function taskScheduleEnv(input: TaskActivityInput, root: string): Record<string, string> {
  return input.schedule ? scheduleEnv(findSchedule(loadProject({ root }), input.schedule)) : {};
}

/** `meltano elt` knows only --full-refresh and --refresh-catalog of the run options. */
function eltOptionArgs(input: TaskActivityInput): string[] {
  const o = input.runOptions;
  return runOptionArgs(
    o && { ...(o.fullRefresh ? { fullRefresh: true } : {}), ...(o.refreshCatalog ? { refreshCatalog: true } : {}) },
  );
}

/** What the task needs from whoever runs it: a Temporal activity, or `schedule run --local`. */
export interface TaskRuntime {
  attempt: number;
  /** Names the log directory: the workflow id, or a local run id. */
  runKey: string;
  heartbeat(details: TaskHeartbeat): void;
  cancellationSignal: AbortSignal;
  log: {
    info(message: string, meta?: Record<string, unknown>): void;
    warn(message: string, meta?: Record<string, unknown>): void;
  };
  /** Each output line as it arrives (after masking). */
  onLine?: (line: string) => void;
  /** Rows per stream counted so far, each time a METRIC line changes them. */
  onRows?: (rows: Record<string, number>) => void;
  /** The run this task belongs to (ids, the UI's base); its time comes with the input. */
  run?: Omit<TaskRunContext, 'attempt' | 'context'>;
  /** The shared log archive: each finished attempt's log is copied there (src/logs/archive.ts). */
  logArchive?: string;
}

/**
 * Run one task in the project at `root`.
 * @throws {MeltanoTaskFailure} meltano cannot run here, or exited non-zero
 * @throws the signal's reason once `ctx.cancellationSignal` aborts
 */
export async function executeTask(root: string, input: TaskActivityInput, ctx: TaskRuntime): Promise<TaskResult> {
  const { attempt } = ctx;
  const located = locateMeltano(root);
  if (!('found' in located)) {
    throw new MeltanoTaskFailure(
      FAILURE.meltanoConfig,
      `meltano cannot run on the worker: ${located.problem}; fix: ${located.fix}`,
      { nonRetryable: true },
    );
  }
  const meltano = located.found;
  const extraEnv = { ...taskScheduleEnv(input, root), ...(input.env ?? {}) };
  const mask = secretMasker(maskedEnvValues(extraEnv));
  // What `meltano run` gets from a plain shell for the schedule's environment (child-env.ts).
  const contextEnv = runContextEnvironment({
    ...ctx.run,
    ...(input.runContext ? { context: input.runContext } : {}),
    attempt,
  });
  const env = meltanoRunEnvironment(extraEnv, input.environment, contextEnv);
  let force = false;
  const buildArgs = (): string[] =>
    input.task.command === 'run'
      ? [
          'run',
          '--run-id',
          input.runId,
          ...(force ? ['--force'] : []),
          ...runOptionArgs(input.runOptions),
          ...input.task.args,
        ]
      : ['elt', ...eltOptionArgs(input), ...input.task.args];
  let args = buildArgs();

  const logFile = taskLogPath(root, ctx.runKey, input.task.index, attempt);
  // One pass normally; a second only when the lock is our own dead attempt's (see ownRunIsStale).
  for (;;) {
    // Created with the first line: a task that prints nothing leaves no file behind.
    const log = new TaskLog(logFile);
    const tail: string[] = [];
    const rows = new RowCounter();
    const watch = new OutputWatch();
    let rowsSoFar: number | undefined;
    const label = input.task.args.join(' ');
    const started = performance.now();
    ctx.log.info('meltano task starting', { task: label, attempt, meltano, args, logFile });

    const proc = startGroupProcess(meltano, args, {
      cwd: root,
      env,
      onLine: (line) => {
        watch.line(line);
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        if (rows.add(line)) {
          const perStream = rows.rowsPerStream(input.task.args);
          rowsSoFar = totalRows(perStream);
          ctx.onRows?.(perStream);
        }
        const shown = mask(line);
        log.write(shown);
        ctx.log.info(shown, { task: label, attempt });
        ctx.onLine?.(shown);
      },
    });
    // The heartbeat carries progress (output and rows), so a task that only ticks shows as stuck.
    const heartbeat = (): void => {
      const details: TaskHeartbeat = {
        elapsedMs: Math.round(performance.now() - started),
        ...watch.progress(),
        ...(rowsSoFar !== undefined ? { rows: rowsSoFar } : {}),
        lastLine: mask(tail[tail.length - 1] ?? '').slice(0, 500),
        ...(proc.pid ? { pid: proc.pid } : {}),
      };
      ctx.heartbeat(details);
    };
    heartbeat();
    const timer = setInterval(heartbeat, HEARTBEAT_EVERY_MS);
    let cancelled: unknown;
    const onCancel = (): void => {
      cancelled = ctx.cancellationSignal.reason ?? new Error('cancelled');
      ctx.log.warn('meltano task cancelled: stopping its process group', { task: label, pid: proc.pid });
      void proc.stop(STOP_GRACE_MS);
    };
    ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
    // stall_timeout: no output for that long ends the attempt as on cancel (the whole process tree).
    let stalledAfterMs: number | undefined;
    if (input.stallTimeout) {
      watch.watchForStall(durationMs(input.stallTimeout), (idleMs) => {
        stalledAfterMs = idleMs;
        heartbeat();
        ctx.log.warn(`meltano task stalled: no output for ${input.stallTimeout}; stopping its process tree`, {
          task: label,
          attempt,
          pid: proc.pid,
        });
        void proc.stop(STOP_GRACE_MS);
      });
    }

    let exitCode: number;
    try {
      exitCode = await proc.exited;
    } finally {
      clearInterval(timer);
      watch.stop();
      ctx.cancellationSignal.removeEventListener('abort', onCancel);
      await log.end();
      // A copy that fails costs the archived log, not the task.
      if (ctx.logArchive && log.written)
        await archiveTaskLog(ctx.logArchive, ctx.runKey, logFile).catch((err: unknown) =>
          ctx.log.warn(`task log not archived: ${String(err)}`, { task: label, attempt }),
        );
    }
    const elapsedMs = Math.round(performance.now() - started);
    if (cancelled) throw cancelled;
    if (stalledAfterMs !== undefined) {
      throw new MeltanoTaskFailure(
        FAILURE.taskStalled,
        `meltano ${args[0]} '${label}' stalled: no output for ${formatDuration(stalledAfterMs)} (stall_timeout ${input.stallTimeout}) after ${watch.lines} line(s); its process tree was stopped (attempt ${attempt}, log: ${log.written ? logFile : 'none, no output'})\n${mask(tail.join('\n'))}`,
        {},
        [{ exitCode, stalled: true, idleMs: stalledAfterMs, ...(log.written ? { logFile } : {}), attempt }],
      );
    }
    const alreadyRunning = exitCode !== 0 && /Another '.*' pipeline is already running/u.test(tail.join('\n'));
    if (
      alreadyRunning &&
      !force &&
      attempt > 1 &&
      input.task.command === 'run' &&
      (await ownRunIsStale(meltano, loadProject({ root }), input.runId, env, input.environment || undefined))
    ) {
      // The lock is held by this task's own earlier attempt, which died with its worker.
      ctx.log.warn(
        "the run lock is held by this task's own earlier attempt (same run id, no heartbeat): running again with --force",
        { task: label, attempt },
      );
      force = true;
      args = buildArgs();
      continue;
    }

    if (exitCode === 0) {
      ctx.log.info('meltano task finished', { task: label, attempt, durationMs: elapsedMs });
      return {
        index: input.task.index,
        args: input.task.args,
        exitCode,
        attempt,
        durationMs: elapsedMs,
        runId: input.runId,
        rowsPerStream: rows.rowsPerStream(input.task.args),
        ...(log.written ? { logFile } : {}),
      };
    }
    const output = mask(tail.join('\n'));
    const message = `meltano ${args[0]} '${label}' exited with code ${exitCode} (attempt ${attempt}, log: ${log.written ? logFile : 'none, no output'})\n${output}`;
    const details = [{ exitCode, ...(log.written ? { logFile } : {}), attempt }];
    if (/Another '.*' pipeline is already running/u.test(output)) {
      throw new MeltanoTaskFailure(
        FAILURE.meltanoAlreadyRunning,
        message,
        { nextRetryDelay: ALREADY_RUNNING_DELAY },
        details,
      );
    }
    if (exitCode === 2 || CONFIG_ERROR_PATTERNS.some((p) => p.test(output))) {
      throw new MeltanoTaskFailure(FAILURE.meltanoConfig, message, { nonRetryable: true }, details);
    }
    throw new MeltanoTaskFailure(FAILURE.meltanoTask, message, {}, details);
  }
}
