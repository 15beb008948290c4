/**
 * Runs one top-level task of a job: `meltano run --run-id <id> <blocks>` (or
 * `meltano elt ...` for a legacy elt schedule) in the project root, with the
 * schedule's env resolved here on the worker (it never travels through
 * Temporal). Heartbeats carry progress; cancellation and worker shutdown
 * stop the whole process group; every line goes to the worker log and to a
 * log file per attempt; failures are classified for the retry policy.
 */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { performance } from 'node:perf_hooks';
import { findSchedule, loadProject } from '../src/project/load.js';
import { locateMeltano } from '../src/meltano/executable.js';
import { meltanoRunEnvironment } from '../src/meltano/child-env.js';
import { RowCounter } from '../src/meltano/metrics.js';
import { secretMasker } from '../src/meltano/mask.js';
import { taskLogPath } from '../src/meltano/task-logs.js';
import { rowsReporter } from './progress.js';
import { startGroupProcess } from '../src/meltano/process-group.js';
import { ownRunIsStale } from '../src/meltano/stale-run.js';
import { runOptionArgs } from '../src/meltano/run-options.js';
import { TaskLog } from '../src/meltano/task-log.js';
import type { TaskActivityInput, TaskHeartbeat, TaskResult } from '../workflows/types.js';
import type { ActivityDeps } from './index.js';
import { parseDuration } from '../src/util/values.js';

const HEARTBEAT_EVERY_MS = 10_000;
const TAIL_LINES = 40;
/** After SIGTERM, how long Meltano gets to stop its plugins before SIGKILL. */
// Checked when the worker loads its activities, before it connects: `15s` means 15 s, a bare number ms.
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

function scheduleEnv(input: TaskActivityInput, root: string): Record<string, string> {
  if (!input.schedule) return {};
  const project = loadProject({ root });
  const schedule = findSchedule(project, input.schedule);
  // Meltano passes schedule env values verbatim, as strings.
  return Object.fromEntries(Object.entries(schedule?.env ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
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
}

export async function runMeltanoTask(deps: ActivityDeps, input: TaskActivityInput): Promise<TaskResult> {
  const ctx = Context.current();
  // Rows so far go to the workflow, for the UI's current details.
  let client: Context['client'] | undefined;
  try {
    client = ctx.client;
  } catch {
    client = undefined; // a test environment without a client: no live rows
  }
  const reporter = rowsReporter({
    client,
    workflowId: ctx.info.workflowExecution?.workflowId,
    runId: ctx.info.workflowExecution?.runId,
    index: input.task.index,
    attempt: ctx.info.attempt,
    warn: (message) => ctx.log.warn(message),
  });
  try {
    return await executeTask(input.projectRoot ?? deps.projectRoot, input, {
      attempt: ctx.info.attempt,
      runKey: ctx.info.workflowExecution?.workflowId ?? ctx.info.activityId,
      heartbeat: (d) => ctx.heartbeat(d),
      cancellationSignal: ctx.cancellationSignal,
      log: ctx.log,
      onRows: (rows) => reporter.update(rows),
    });
  } finally {
    await reporter.close();
  }
}

/** Run one task in the project at `root`: the activity's body, also used by `schedule run --local`. */
export async function executeTask(root: string, input: TaskActivityInput, ctx: TaskRuntime): Promise<TaskResult> {
  const { attempt } = ctx;
  const located = locateMeltano(root);
  if (!('found' in located)) {
    throw ApplicationFailure.create({
      type: 'MeltanoConfigError',
      nonRetryable: true,
      message: `meltano cannot run on the worker: ${located.problem}; fix: ${located.fix}`,
    });
  }
  const meltano = located.found;
  const extraEnv = scheduleEnv(input, root);
  const mask = secretMasker(Object.values(extraEnv));
  // What `meltano run` gets from a plain shell for the schedule's environment (child-env.ts).
  const env = meltanoRunEnvironment(extraEnv, input.environment);
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
    let lines = 0;
    const label = input.task.args.join(' ');
    const started = performance.now();
    ctx.log.info('meltano task starting', { task: label, attempt, meltano, args, logFile });

    const proc = startGroupProcess(meltano, args, {
      cwd: root,
      env,
      onLine: (line) => {
        lines++;
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        if (rows.add(line)) ctx.onRows?.(rows.rowsPerStream(input.task.args));
        const shown = mask(line);
        log.write(shown);
        ctx.log.info(shown, { task: label, attempt });
        ctx.onLine?.(shown);
      },
    });
    const heartbeat = (): void => {
      const details: TaskHeartbeat = {
        elapsedMs: Math.round(performance.now() - started),
        lines,
        lastLine: mask(tail[tail.length - 1] ?? '').slice(0, 500),
        ...(proc.pid ? { pid: proc.pid } : {}),
      };
      ctx.heartbeat(details);
    };
    heartbeat();
    const timer = setInterval(heartbeat, HEARTBEAT_EVERY_MS);
    let cancelled: unknown;
    const onCancel = (): void => {
      cancelled = ctx.cancellationSignal.reason ?? new CancelledFailure('cancelled');
      ctx.log.warn('meltano task cancelled: stopping its process group', { task: label, pid: proc.pid });
      void proc.stop(STOP_GRACE_MS);
    };
    ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });

    let exitCode: number;
    try {
      exitCode = await proc.exited;
    } finally {
      clearInterval(timer);
      ctx.cancellationSignal.removeEventListener('abort', onCancel);
      await log.end();
    }
    const durationMs = Math.round(performance.now() - started);
    if (cancelled) throw cancelled;
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
      ctx.log.info('meltano task finished', { task: label, attempt, durationMs });
      return {
        index: input.task.index,
        args: input.task.args,
        exitCode,
        attempt,
        durationMs,
        runId: input.runId,
        rowsPerStream: rows.rowsPerStream(input.task.args),
        ...(log.written ? { logFile } : {}),
      };
    }
    const output = mask(tail.join('\n'));
    const message = `meltano ${args[0]} '${label}' exited with code ${exitCode} (attempt ${attempt}, log: ${log.written ? logFile : 'none, no output'})\n${output}`;
    const details = [{ exitCode, ...(log.written ? { logFile } : {}), attempt }];
    if (/Another '.*' pipeline is already running/u.test(output)) {
      throw ApplicationFailure.create({
        type: 'MeltanoAlreadyRunning',
        message,
        details,
        nextRetryDelay: ALREADY_RUNNING_DELAY,
      });
    }
    if (exitCode === 2 || CONFIG_ERROR_PATTERNS.some((p) => p.test(output))) {
      throw ApplicationFailure.create({ type: 'MeltanoConfigError', message, details, nonRetryable: true });
    }
    throw ApplicationFailure.create({ type: 'MeltanoTaskError', message, details });
  }
}
