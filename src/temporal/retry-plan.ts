/**
 * `runs retry`: from the history of a run that did not complete, which task
 * the new run starts at (the first one that did not finish), what its id is,
 * and how it points back at the original. Pure functions over history events.
 */
import { ACTIVITY } from '../../workflows/contract.js';

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
}

export function retryDetails(origin: RetryOrigin, totalTasks?: number): string {
  const where =
    origin.fromTask === 0
      ? 'from the first task'
      : `from task ${origin.fromTask + 1}${totalTasks ? `/${totalTasks}` : ''}`;
  return `Retry of ${origin.workflowId} (run ${origin.runId}) ${where}`;
}
