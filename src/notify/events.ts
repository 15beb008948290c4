/**
 * Which notifications a finished run earns. Pure functions: the activity
 * feeds them the run's outcome and the schedule's previous runs.
 */
import type { NotifyEvent } from './settings.js';

/** A run of the same schedule, as Temporal visibility lists it. */
export interface PastRun {
  workflowId: string;
  runId: string;
  /** Temporal's execution status name: COMPLETED, FAILED, TIMED_OUT, CANCELLED, TERMINATED, RUNNING, ... */
  status: string;
  closeTime?: Date;
}

/** Whether a channel listening to `on` hears `event`: `stalled` and `paused` are failures too. */
export function wantsEvent(on: readonly NotifyEvent[], event: NotifyEvent): boolean {
  return on.includes(event) || ((event === 'stalled' || event === 'paused') && on.includes('failure'));
}

/** Statuses that count as a failure for `recovery` (a cancel or terminate is somebody's decision, not a failure). */
const FAILED_STATUSES = new Set(['FAILED', 'TIMED_OUT']);

/** The schedule's most recently closed run other than the current one. */
export function previousRun(runs: PastRun[], current: { workflowId: string; runId: string }): PastRun | undefined {
  return runs
    .filter((r) => r.closeTime && r.runId !== current.runId && r.status !== 'RUNNING')
    .sort((a, b) => (b.closeTime?.getTime() ?? 0) - (a.closeTime?.getTime() ?? 0))[0];
}

/**
 * The one message a finished run sends, if any: `stalled` for a run whose task stalled, else `failure` for a failed run;
 * for a success, `recovery` when the schedule's previous run failed (and
 * `recovery` is wanted), else `success` when wanted.
 */
export function eventForOutcome(
  outcome: 'succeeded' | 'failed',
  previous: PastRun | undefined,
  wanted: readonly NotifyEvent[],
  stalled = false,
): NotifyEvent | undefined {
  if (outcome === 'failed' && stalled && wantsEvent(wanted, 'stalled')) return 'stalled';
  if (outcome === 'failed') return wanted.includes('failure') ? 'failure' : undefined;
  if (wanted.includes('recovery') && previous && FAILED_STATUSES.has(previous.status)) return 'recovery';
  return wanted.includes('success') ? 'success' : undefined;
}

/** Whether the outcome needs the schedule's past runs at all (saves a visibility query). */
export function needsHistory(outcome: 'succeeded' | 'failed', wanted: readonly NotifyEvent[]): boolean {
  return outcome === 'succeeded' && wanted.includes('recovery');
}
