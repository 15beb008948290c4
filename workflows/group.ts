/**
 * Parallel task groups (`annotations.temporal.parallel` on a job): the items of an inner task list are tasks
 * of their own, started at the same time; the run goes on once every item has ended. An item that fails does
 * not cancel its siblings: they run to their end, then the run fails naming every failed item, and
 * `runs retry` re-runs only the items that did not complete. Workflow code: deterministic, no Node.
 */
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import { groupLabel } from './summary.js';
import type { ResolvedTask, TaskResult } from './types.js';

/** How one item of a group ended. */
export type GroupOutcome =
  { task: ResolvedTask; result: TaskResult } | { task: ResolvedTask; error: unknown; cancelled: boolean };

/** The tasks of the group `task` belongs to (consecutive, same step), in order. */
export function groupOf(tasks: readonly ResolvedTask[], task: ResolvedTask): ResolvedTask[] {
  const step = task.group?.step;
  return step === undefined ? [task] : tasks.filter((t) => t.group?.step === step);
}

/** Starts every item at once and waits for all of them: a failure never cancels a sibling. */
export async function runGroup(
  items: readonly ResolvedTask[],
  runItem: (task: ResolvedTask) => Promise<TaskResult>,
): Promise<GroupOutcome[]> {
  const settled = await Promise.allSettled(items.map((task) => runItem(task)));
  return settled.map((s, i) => {
    const task = items[i] as ResolvedTask;
    if (s.status === 'fulfilled') return { task, result: s.value };
    return {
      task,
      error: s.reason as unknown,
      cancelled: isCancellation(s.reason) || CancellationScope.current().consideredCancelled,
    };
  });
}

/** The message of a failed item: the ApplicationFailure inside the ActivityFailure carries Meltano's output. */
export function failureMessage(err: unknown): string {
  const cause = err instanceof Error ? err : undefined;
  const inner = cause?.cause instanceof Error ? cause.cause : cause;
  return inner?.message ?? String(err);
}

/**
 * The run's failure after a group: `Group 2/3 of job 'j' failed (1 of 3 items): [2b/3] 'tap t' (task 3/5): ...`,
 * every failed item named, so the alert and `runs` say which items `runs retry` will run again.
 */
export function groupFailureText(
  task: ResolvedTask,
  job: { job: string; tasks: readonly ResolvedTask[] },
  failed: ReadonlyArray<{ task: ResolvedTask; message: string }>,
  ran: number,
): string {
  const g = task.group;
  const head = `Group ${g ? g.step + 1 : task.index + 1}/${g ? g.steps : job.tasks.length} of job '${job.job}' failed (${failed.length} of ${ran} item${ran === 1 ? '' : 's'})`;
  const items = failed.map(
    (f) =>
      `${groupLabel(f.task)} '${f.task.args.join(' ')}' (task ${f.task.index + 1}/${job.tasks.length}): ${f.message}`,
  );
  return `${head}: ${items.join('; ')}`;
}
