/**
 * The API of custom workflows, imported as `meltano-temporal/workflow` by the
 * files in a project's `orchestrate/workflows/`: run a Meltano task as the
 * same activity a scheduled job's task runs as (retries, task logs, rows,
 * live progress in the UI, env masking), and read the run's scheduled time.
 * Workflow code: deterministic, sandboxed, no Node.
 */
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import type { MeltanoRunOptions } from '../src/meltano/run-options.js';
import { ACTIVITY, FAILURE, progressQuery, SEARCH_ATTRIBUTE, taskRowsSignal } from './contract.js';
import { runCurrentDetails, SUMMARY_MAX, type RunProgress } from './summary.js';
import { DEFAULT_TASK_POLICY } from './task-policy.js';
import type {
  JobProgress,
  JobRunInput,
  ResolvedJob,
  ResolvedTask,
  RunContext,
  TaskFailureDetails,
  TaskResult,
} from './types.js';
import { runInput } from './custom/run-input.js';

export type { JobRunInput, TaskResult, MeltanoRunOptions };

/** How `meltanoRun` runs one task; every field is optional. */
export interface MeltanoRunTaskOptions {
  /** Meltano environment (`--environment`); default: the schedule's. */
  environment?: string;
  /** Extra variables for the task, over the schedule's `env`. They land in the run's history (encrypted when payload encryption is on): keep secrets in `.env` or the schedule's `env`. */
  env?: Record<string, string>;
  /** Retries; default: the schedule's `annotations.temporal` (attempts, backoff...), else 3 attempts. */
  retry?: {
    maximumAttempts?: number;
    initialInterval?: Duration;
    backoffCoefficient?: number;
    maximumInterval?: Duration;
  };
  /** Longest one attempt may take; default: the schedule's `task_timeout`, else 6h. */
  timeout?: Duration;
  /** How long the task may go without a heartbeat (sent every 10 s) before Temporal retries it elsewhere; default 2m. */
  heartbeatTimeout?: Duration;
  /** `meltano run` options; default: those of a manual run (`schedule run NAME --full-refresh`). */
  runOptions?: MeltanoRunOptions;
  /** The name of the step in the UI; default: the task. */
  summary?: string;
}

const { [ACTIVITY.resolveJob]: resolveJob } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, initialInterval: '5s' },
});

/** Per run (module state is per workflow execution): the policy and time, the tasks started so far, their progress. */
let resolvedRun: Promise<Pick<ResolvedJob, 'policy' | 'runContext'>> | undefined;
const tasks: Array<RunProgress['tasks'][number] & { args: string[]; result?: TaskResult }> = [];
const results: TaskResult[] = [];
let progress: JobProgress | undefined;

/**
 * The schedule's retries and timeouts and the time the run stands for (read on the worker, once per run, by the
 * job workflow's own activity), else the defaults. Only the activity input changes with the run context, not the
 * commands, so runs that started before it replay unchanged.
 */
function resolveRun(input: JobRunInput | undefined): Promise<Pick<ResolvedJob, 'policy' | 'runContext'>> {
  resolvedRun ??= input?.schedule
    ? resolveJob({ ...input, runOptions: undefined, resume: undefined })
    : Promise.resolve({ policy: DEFAULT_TASK_POLICY });
  return resolvedRun;
}

/** A run without a schedule's interval (started by hand, or before the run context): an empty one at its scheduled time. */
function emptyContext(): RunContext {
  const at = new Date(Math.floor(scheduledTime().getTime() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/u, 'Z');
  return { scheduledTime: at, intervalStart: at, intervalEnd: at, kind: 'none' };
}

function publish(): void {
  setCurrentDetails(runCurrentDetails({ tasks }));
  if (progress)
    progress.tasks = tasks.map((t, index) => ({
      index,
      args: t.args,
      state: t.state,
      ...(t.result ? { result: t.result } : {}),
    }));
}

/** The progress query and the rows signal of the task activity, as the job workflow has them (once per run). */
function trackProgress(): void {
  if (progress) return;
  progress = { job: workflowInfo().workflowType, tasks: [] };
  setHandler(progressQuery, () => progress ?? null);
  setHandler(taskRowsSignal, (update) => {
    const entry = tasks[update.index];
    if (!entry || entry.state !== 'running' || (entry.attempt ?? 0) > update.attempt) return;
    entry.rows = { ...update.rows };
    entry.attempt = update.attempt;
    publish();
  });
}

/**
 * Run one Meltano task (`'tap-x target-y'`, `'dbt:run'`, or its words as a list) with `meltano run` on a
 * worker, as a scheduled job's task runs. Tasks may run at once (`Promise.all`). Resolves with the task's
 * result (exit code, attempts, rows per stream, log file); a task that fails after its retries rejects
 * with an `ApplicationFailure` of type `MeltanoTaskFailed` that names it (uncaught, it fails the run,
 * and `runs` shows the task).
 */
export async function meltanoRun(
  task: string | readonly string[],
  options: MeltanoRunTaskOptions = {},
): Promise<TaskResult> {
  const args = typeof task === 'string' ? task.trim().split(/\s+/u).filter(Boolean) : [...task];
  if (!args.length) throw ApplicationFailure.nonRetryable('meltanoRun needs a task, such as "tap-x target-y"');
  const input = runInput();
  trackProgress();
  const index = tasks.length;
  const text = args.join(' ');
  tasks.push({ text, args, state: 'running' });
  publish();
  const { policy: p, runContext } = await resolveRun(input);
  const environment = options.environment ?? input?.environment;
  const runOptions = options.runOptions ?? input?.runOptions;
  const resolved: ResolvedTask = { index, args, command: 'run' };
  const { [ACTIVITY.runMeltanoTask]: runTask } = proxyActivities<Activities>({
    startToCloseTimeout: options.timeout ?? p.taskTimeout,
    heartbeatTimeout: options.heartbeatTimeout ?? p.heartbeatTimeout,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    summary: (options.summary ?? text).slice(0, SUMMARY_MAX),
    retry: {
      maximumAttempts: options.retry?.maximumAttempts ?? p.maximumAttempts,
      initialInterval: options.retry?.initialInterval ?? p.initialInterval,
      backoffCoefficient: options.retry?.backoffCoefficient ?? p.backoffCoefficient,
      maximumInterval: options.retry?.maximumInterval ?? p.maximumInterval,
      nonRetryableErrorTypes: [FAILURE.meltanoConfig],
    },
  });
  const entry = tasks[index];
  try {
    const result = await runTask({
      ...(input?.projectRoot ? { projectRoot: input.projectRoot } : {}),
      ...(input?.schedule ? { schedule: input.schedule } : {}),
      ...(environment ? { environment } : {}),
      task: resolved,
      runId: uuid4(),
      ...(runOptions ? { runOptions } : {}),
      ...(options.env ? { env: { ...options.env } } : {}),
      runContext: runContext ?? emptyContext(),
    });
    results.push(result);
    if (entry)
      Object.assign(entry, {
        state: 'succeeded',
        result,
        rows: { ...result.rowsPerStream },
        durationMs: result.durationMs,
        attempt: result.attempt,
      });
    publish();
    return result;
  } catch (err) {
    const cancelled = isCancellation(err) || CancellationScope.current().consideredCancelled;
    if (entry) entry.state = cancelled ? 'cancelled' : 'failed';
    publish();
    if (cancelled) throw err;
    const cause = err instanceof Error ? err : undefined;
    const inner = cause?.cause instanceof Error ? cause.cause : cause;
    const details: TaskFailureDetails = {
      taskIndex: index,
      task: text,
      taskCount: tasks.length,
      job: workflowInfo().workflowType,
      completed: [...results],
    };
    throw ApplicationFailure.create({
      type: FAILURE.taskFailed,
      message: `Task '${text}' of workflow '${details.job}' failed: ${inner?.message ?? String(err)}`,
      nonRetryable: true,
      ...(cause ? { cause } : {}),
      details: [details],
    });
  }
}

/**
 * The time the schedule meant this run for (Temporal's `TemporalScheduledStartTime`): the nominal time of
 * a scheduled, caught-up or backfilled run. For a run started by hand, when it started.
 */
export function scheduledTime(): Date {
  const info = workflowInfo();
  return info.typedSearchAttributes.get(SEARCH_ATTRIBUTE.scheduledStartTime) ?? info.startTime;
}
