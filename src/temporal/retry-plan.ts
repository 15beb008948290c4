/**
 * `runs retry`: from the history of a run that did not complete, which task
 * the new run starts at (the first one that did not finish), what its id is,
 * and how it points back at the original. Pure functions over history events.
 */
import { ACTIVITY } from '../../workflows/contract.js';
import { UsageError } from '../errors.js';

/** The parts of a history event (`temporal.api.history.v1.IHistoryEvent`) read here; ids are Longs there. */
export interface HistoryEvent {
  eventId?: { toString(): string } | number | null;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: { toString(): string } | number | null } | null;
  activityTaskFailedEventAttributes?: unknown;
}

/** Closed statuses a retry may start from. */
export const RETRYABLE_STATUSES = ['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'] as const;

/** How many task activities of this run completed (tasks run one after the other, in job order). */
export function completedTaskCount(events: HistoryEvent[]): number {
  const taskActivities = new Set<string>();
  let completed = 0;
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === ACTIVITY.runMeltanoTask && e.eventId != null)
      taskActivities.add(String(e.eventId));
    const done = e.activityTaskCompletedEventAttributes;
    if (done?.scheduledEventId != null && taskActivities.has(String(done.scheduledEventId))) completed++;
  }
  return completed;
}

/**
 * The 0-based task the retry starts at: the original skipped `originalFromTask`
 * tasks itself (when it was a retry too) and completed `completed` more.
 */
/**
 * The retry of a run whose job has parallel groups (`annotations.temporal.parallel`): items of a group end in
 * any order, so a count of completed tasks says nothing; the retry starts at the first task that did not
 * complete and skips the later ones that did (`doneTasks`: completed siblings of the failed group).
 * `completed` are the 0-based tasks the original completed; its own skipped tasks stay skipped.
 */
export function groupRetryPlan(
  original: { fromTask: number; skipTasks?: number[]; doneTasks?: number[] },
  completed: readonly number[],
): { fromTask: number; doneTasks: number[] } {
  const done = new Set([...completed, ...(original.skipTasks ?? []), ...(original.doneTasks ?? [])]);
  let fromTask = original.fromTask;
  while (done.has(fromTask)) fromTask++;
  return { fromTask, doneTasks: [...done].filter((i) => i > fromTask).sort((a, b) => a - b) };
}

export function retryFromTask(originalFromTask: number, completed: number, fromStart: boolean): number {
  return fromStart ? 0 : originalFromTask + completed;
}

/** `<original id>-retry-<UTC time>`; a retry of a retry keeps the first original's id as its stem. */
export function retryWorkflowId(originalId: string, now: Date): string {
  const stem = originalId.replace(/-retry-\d{8}T\d{6}Z$/u, '');
  const stamp = now
    .toISOString()
    .replace(/[-:]/gu, '')
    .replace(/\.\d{3}/u, '');
  return `${stem}-retry-${stamp}`;
}

/** What the new run records about its origin (memo and the UI's details). */
export interface RetryOrigin {
  workflowId: string;
  runId: string;
  /** 0-based task the retry starts at. */
  fromTask: number;
  /** `--from-task`: the start was chosen by hand (not the first task that did not finish). */
  fromTaskChosen?: boolean;
  /** `--skip-task`: 0-based tasks marked done by hand. */
  skipTasks?: number[];
  /** Parallel groups: 0-based tasks after `fromTask` that completed in the original (not run again). */
  doneTasks?: number[];
  /** Who chose `--from-task` / `--skip-task`: `user@host`. */
  by?: string;
}

/** `--from-task N` / `--skip-task N` as typed: 1-based task numbers. */
export interface TaskChoice {
  fromTask?: string;
  skipTasks?: string[];
  fromStart?: boolean;
}

function taskNumber(flag: string, value: string, tasks: readonly string[], job: string): number {
  const n = Number(value.trim());
  if (!/^\s*\d+\s*$/u.test(value) || !Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a task number (1, 2, ...), not '${value}'`, {
      hint: `the tasks of job '${job}': ${numbered(tasks)}`,
    });
  if (n > tasks.length)
    throw new UsageError(
      `${flag} ${n}: job '${job}' has ${tasks.length} task${tasks.length === 1 ? '' : 's'} (${numbered(tasks)})`,
      { hint: `give a number from 1 to ${tasks.length}` },
    );
  return n - 1;
}

const numbered = (tasks: readonly string[]): string => tasks.map((t, i) => `${i + 1} '${t}'`).join(', ');

/**
 * Where the retry starts and which tasks it skips, 0-based, from the flags
 * (1-based, checked against the job's tasks as meltano.yml has them now: the
 * new run resolves its tasks from there); `defaultFrom` is the first task the
 * original did not finish.
 * @throws {UsageError} a number that is not a task of the job, flags that contradict, nothing left to run
 */
export function chooseTasks(
  choice: TaskChoice,
  defaultFrom: number,
  job: { name: string; tasks: readonly string[] },
): { fromTask: number; skipTasks: number[]; fromTaskChosen: boolean } {
  if (choice.fromStart && choice.fromTask !== undefined)
    throw new UsageError('--from-start and --from-task contradict each other', {
      hint: 'give one: --from-start is --from-task 1',
    });
  const fromTask =
    choice.fromTask !== undefined
      ? taskNumber('--from-task', choice.fromTask, job.tasks, job.name)
      : choice.fromStart
        ? 0
        : defaultFrom;
  const values = (choice.skipTasks ?? []).flatMap((v) => v.split(',')).filter((v) => v.trim() !== '');
  const skipTasks = [...new Set(values.map((v) => taskNumber('--skip-task', v, job.tasks, job.name)))].sort(
    (a, b) => a - b,
  );
  const early = skipTasks.filter((i) => i < fromTask);
  if (early.length)
    throw new UsageError(
      `--skip-task ${early.map((i) => i + 1).join(',')}: the retry starts at task ${fromTask + 1}, so the tasks before it are skipped anyway`,
      { hint: 'skip only tasks from the start on, or choose the start with --from-task' },
    );
  if (fromTask >= job.tasks.length || job.tasks.every((_, i) => i < fromTask || skipTasks.includes(i)))
    throw new UsageError(`nothing left to run: every task of job '${job.name}' would be skipped`, {
      hint: `the tasks: ${numbered(job.tasks)}`,
    });
  return { fromTask, skipTasks, fromTaskChosen: choice.fromTask !== undefined };
}

export function retryDetails(origin: RetryOrigin, totalTasks?: number): string {
  const where =
    origin.fromTask === 0
      ? 'from the first task'
      : `from task ${origin.fromTask + 1}${totalTasks ? `/${totalTasks}` : ''}`;
  const chosen = origin.fromTaskChosen ? ' (--from-task)' : '';
  const skipped = origin.skipTasks?.length
    ? `, skipping task${origin.skipTasks.length === 1 ? '' : 's'} ${origin.skipTasks.map((i) => i + 1).join(', ')} (--skip-task)`
    : '';
  const by = origin.by && (chosen || skipped) ? `, by ${origin.by}` : '';
  const done = origin.doneTasks?.length
    ? `, skipping task${origin.doneTasks.length === 1 ? '' : 's'} ${origin.doneTasks.map((i) => i + 1).join(', ')} (completed in its group)`
    : '';
  return `Retry of ${origin.workflowId} (run ${origin.runId}) ${where}${chosen}${skipped}${by}${done}`;
}
