/**
 * The job workflow: resolve the job's tasks on a worker (a local activity), then run each
 * top-level task as one activity, in order. Deterministic, sandboxed code:
 * no Node modules, no I/O; everything external happens in activities.
 */
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  uuid4,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { RunTracker } from './progress.js';
import { scheduledOrigin, taskSummary, type RunOrigin } from './summary.js';
import type { Activities } from '../activities/index.js';
import { notifyFinished, watchForLate, type NoticeBase } from './notify.js';
import {
  ACTIVITY,
  AFTER_PATCH,
  FAILURE,
  GROUP_PATCH,
  PATCH,
  POOL_PATCH,
  progressQuery,
  SEARCH_ATTRIBUTE,
  taskRowsSignal,
} from './contract.js';
import { markHeld, releaseDownstreams } from './after-release.js';
import { pauseIfFailingInARow } from './pause.js';
import { showPoolWait, takePoolSlot } from './pool-slot.js';
import { runFacts, runFactsDetails, withRunContext } from './run-context.js';
import { failureMessage, groupFailureText, groupOf, runGroup } from './group.js';
import type { JobProgress, JobRunInput, JobRunResult, ResolvedTask, TaskFailureDetails, TaskResult } from './types.js';

/** The pools' and the after-coordinators' workflows, registered with the job workflow (the bundle holds every export of this module). */
export { meltanoPool } from './pool.js';
export { meltanoAfter } from './after.js';

const resolveOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, initialInterval: '5s' },
};
const { [ACTIVITY.resolveJob]: resolveJobLocally } = proxyLocalActivities<Activities>(resolveOptions);
const { [ACTIVITY.resolveJob]: resolveJobActivity } = proxyActivities<Activities>(resolveOptions);

export async function meltanoJob(input: JobRunInput): Promise<JobRunResult> {
  let progress: JobProgress | null = null;
  setHandler(progressQuery, () => progress);

  const resolved = await (patched(PATCH.localResolve) ? resolveJobLocally(input) : resolveJobActivity(input));
  // `runs retry`: the tasks before this one completed in the original run.
  const fromTask = input.resume?.fromTask ?? 0;
  // `runs retry --skip-task`: tasks the operator marked done.
  const skip = new Set(input.resume?.skipTasks?.length && patched(PATCH.skipTasks) ? input.resume.skipTasks : []);
  // `runs retry` of a run with a parallel group: the group's items that completed in the original run.
  const done = new Set(input.resume?.doneTasks?.length && patched(GROUP_PATCH) ? input.resume.doneTasks : []);
  const skipped = (index: number): boolean => index < fromTask || skip.has(index) || done.has(index);
  progress = {
    job: resolved.job,
    tasks: resolved.tasks.map((t) => ({
      index: t.index,
      args: t.args,
      state: skipped(t.index) ? 'skipped' : 'pending',
    })),
  };
  // Runs that started before notifications existed replay without their commands.
  const notify = resolved.notify && input.schedule && patched(PATCH.notify) ? resolved.notify : undefined;
  const noticeBase: NoticeBase | undefined =
    notify && input.schedule
      ? {
          ...(input.projectRoot ? { projectRoot: input.projectRoot } : {}),
          ...(input.project ? { project: input.project } : {}),
          schedule: input.schedule,
          ...(input.environment ? { environment: input.environment } : {}),
          job: resolved.job,
          ...(input.resume ? { retryOf: input.resume.retryOf } : {}),
        }
      : undefined;
  const lateWatch = notify && noticeBase ? watchForLate(notify, noticeBase) : undefined;
  const taskOptions: ActivityOptions = {
    startToCloseTimeout: resolved.policy.taskTimeout,
    heartbeatTimeout: resolved.policy.heartbeatTimeout,
    // Cancelling the workflow waits until the task's processes are gone.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      maximumAttempts: resolved.policy.maximumAttempts,
      initialInterval: resolved.policy.initialInterval,
      backoffCoefficient: resolved.policy.backoffCoefficient,
      maximumInterval: resolved.policy.maximumInterval,
      nonRetryableErrorTypes: [FAILURE.meltanoConfig],
    },
  };
  const { [ACTIVITY.runMeltanoTask]: runMeltanoTask } = proxyActivities<Activities>(taskOptions);
  // The UI's current details: which task of how many, rows so far (reported by the running task).
  const tracker = new RunTracker(resolved.tasks, runOrigin(), runFactsDetails(resolved));
  setHandler(taskRowsSignal, (update) => tracker.rows(update));
  // A pool (annotations.temporal.pool): the run holds one of its slots from its first task to its end.
  const slot =
    input.pool && patched(POOL_PATCH)
      ? await takePoolSlot(input.pool, input, (wait) => showPoolWait(progress, tracker, wait))
      : undefined;

  const results: TaskResult[] = [];
  const markRunning = (task: ResolvedTask): void => {
    const entry = progress?.tasks[task.index];
    if (entry) entry.state = 'running';
    tracker.running(task.index);
  };
  const markSucceeded = (task: ResolvedTask, result: TaskResult): void => {
    results.push(result);
    tracker.succeeded(result);
    const entry = progress?.tasks[task.index];
    if (entry) {
      entry.state = 'succeeded';
      entry.result = result;
    }
  };
  const markEnded = (task: ResolvedTask, state: 'failed' | 'cancelled'): void => {
    const entry = progress?.tasks[task.index];
    if (entry) entry.state = state;
    if (state === 'failed') tracker.failed(task.index);
    else tracker.cancelled(task.index);
  };
  const runTask = (task: ResolvedTask): Promise<TaskResult> =>
    // The summary names the step in the UI's timeline (it does not change the command: replay-safe).
    runMeltanoTask.executeWithOptions({ ...taskOptions, summary: taskSummary(task, resolved.tasks.length) }, [
      {
        ...(input.projectRoot ? { projectRoot: input.projectRoot } : {}),
        ...(input.schedule ? { schedule: input.schedule } : {}),
        ...(input.environment ? { environment: input.environment } : {}),
        task,
        runId: uuid4(),
        ...(input.runOptions ? { runOptions: input.runOptions } : {}),
        ...(resolved.policy.stallTimeout ? { stallTimeout: resolved.policy.stallTimeout } : {}),
        ...withRunContext(resolved),
      },
    ]);
  const cancelRun = async (err: unknown): Promise<never> => {
    await slot?.release();
    await lateWatch?.stop();
    throw err;
  };
  /** Ends the run as failed at `task` (the first failed one): notice, pause, the failure `runs retry` reads. */
  const failRun = async (task: ResolvedTask, err: unknown, headline?: string): Promise<never> => {
    const cause = err instanceof Error ? err : undefined;
    // An ActivityFailure wraps the ApplicationFailure that carries Meltano's output.
    const inner = cause?.cause instanceof Error ? cause.cause : cause;
    const details: TaskFailureDetails = {
      taskIndex: task.index,
      task: task.args.join(' '),
      taskCount: resolved.tasks.length,
      job: resolved.job,
      completed: results,
      ...runFacts(resolved),
    };
    // annotations.temporal.after: the alert and `runs` name the schedules this failure holds back.
    const holds = input.downstreams?.length && patched(AFTER_PATCH) ? markHeld(input.downstreams) : [];
    const what =
      headline ??
      `Task ${task.index + 1}/${resolved.tasks.length} '${details.task}' of job '${resolved.job}' failed: ${inner?.message ?? String(err)}`;
    const full = `${what}${holds.length ? `; holds back ${holds.join(', ')} (annotations.temporal.after)` : ''}`;
    await slot?.release();
    await lateWatch?.stop();
    if (notify && noticeBase) {
      await notifyFinished(notify, noticeBase, {
        outcome: 'failed',
        failedTask: { index: task.index, total: resolved.tasks.length, args: task.args },
        error: full,
        ...((inner as ApplicationFailure | undefined)?.type === FAILURE.taskStalled ? { stalled: true } : {}),
      });
    }
    if (resolved.pauseAfterFailures && input.schedule) {
      await pauseIfFailingInARow(
        resolved.pauseAfterFailures,
        input.schedule,
        notify && noticeBase ? { plan: notify, base: noticeBase } : undefined,
      );
    }
    throw ApplicationFailure.create({
      type: FAILURE.taskFailed,
      message: full,
      nonRetryable: true,
      ...(cause ? { cause } : {}),
      details: [details],
    });
  };

  for (const task of resolved.tasks) {
    if (skipped(task.index)) {
      tracker.skipped(task.index);
      continue;
    }
    if (task.group && patched(GROUP_PATCH)) {
      // annotations.temporal.parallel: the group's first item not yet done starts it and its siblings.
      if (results.some((r) => r.index === task.index)) continue;
      const items = groupOf(resolved.tasks, task).filter((t) => t.index >= task.index && !skipped(t.index));
      items.forEach(markRunning);
      const outcomes = await runGroup(items, runTask);
      const failed: Array<{ task: ResolvedTask; error: unknown; message: string }> = [];
      let cancelled: unknown;
      for (const o of outcomes) {
        if ('result' in o) markSucceeded(o.task, o.result);
        else {
          markEnded(o.task, o.cancelled ? 'cancelled' : 'failed');
          if (o.cancelled) cancelled ??= o.error;
          else failed.push({ task: o.task, error: o.error, message: failureMessage(o.error) });
        }
      }
      if (cancelled !== undefined) await cancelRun(cancelled);
      const first = failed[0];
      if (first) {
        await failRun(first.task, first.error, groupFailureText(task, resolved, failed, items.length));
      }
      continue;
    }
    markRunning(task);
    try {
      markSucceeded(task, await runTask(task));
    } catch (err) {
      if (isCancellation(err) || CancellationScope.current().consideredCancelled) {
        markEnded(task, 'cancelled');
        await cancelRun(err);
      }
      markEnded(task, 'failed');
      await failRun(task, err);
    }
  }
  await slot?.release();
  if (input.downstreams?.length && patched(AFTER_PATCH)) await releaseDownstreams(input.downstreams, input);
  await lateWatch?.stop();
  if (notify && noticeBase) await notifyFinished(notify, noticeBase, { outcome: 'succeeded' });
  return {
    job: resolved.job,
    ...(resolved.schedule ? { schedule: resolved.schedule } : {}),
    ...(input.environment ? { environment: input.environment } : {}),
    tasks: results,
    ...(fromTask ? { resumedFrom: fromTask } : {}),
    ...runFacts(resolved),
  };
}

/** How this run started, from what the server recorded when it started it (deterministic). */
function runOrigin(): RunOrigin | undefined {
  const info = workflowInfo();
  const scheduleId = info.typedSearchAttributes.get(SEARCH_ATTRIBUTE.scheduledById);
  if (!scheduleId) return undefined;
  return scheduledOrigin(
    scheduleId,
    info.typedSearchAttributes.get(SEARCH_ATTRIBUTE.scheduledStartTime),
    info.startTime,
  );
}

export { readTaskLogs } from './read-logs.js';
