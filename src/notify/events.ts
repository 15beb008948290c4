/**
 * Which notifications a finished run earns. Pure functions: the activity
 * feeds them the run's outcome and the schedule's previous runs.
 */
import type { NotifyEvent } from './event-names.js';

/** A run of the same schedule, as Temporal visibility lists it. */
export interface PastRun {
  workflowId: string;
  runId: string;
  /** Temporal's execution status name: COMPLETED, FAILED, TIMED_OUT, CANCELLED, TERMINATED, RUNNING, ... */
  status: string;
  closeTime?: Date;
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
 * The events a finished run earns, most specific first: a failed run is
 * `failure` (`stalled` before it when its task stalled); a successful one is
 * `success`, with `recovery` before it when the schedule's previous run failed.
 * Each destination gets the first of them it wants (see eventFor, wantsEvent).
 */
export function candidateEvents(
  outcome: 'succeeded' | 'failed',
  previous: PastRun | undefined,
  stalled = false,
): NotifyEvent[] {
  if (outcome === 'failed') return stalled ? ['stalled', 'failure'] : ['failure'];
  return previous && FAILED_STATUSES.has(previous.status) ? ['recovery', 'success'] : ['success'];
}

/**
 * Whether a destination that lists `on` hears `event`. `stalled` (a task printed nothing for its
 * stall_timeout) and `paused` (pause_after_failures paused the schedule) are kinds of failure: a
 * destination that hears `failure` hears them too, under their own name; one that wants only them
 * names them.
 */
export function wantsEvent(on: readonly NotifyEvent[], event: NotifyEvent): boolean {
  return on.includes(event) || ((event === 'stalled' || event === 'paused') && on.includes('failure'));
}

/** The one event a destination that wants `wanted` is sent, if any. */
export function eventFor(candidates: readonly NotifyEvent[], wanted: readonly NotifyEvent[]): NotifyEvent | undefined {
  return candidates.find((e) => wantsEvent(wanted, e));
}

/** The one message a finished run sends to a destination that wants `wanted`, if any. */
export function eventForOutcome(
  outcome: 'succeeded' | 'failed',
  previous: PastRun | undefined,
  wanted: readonly NotifyEvent[],
  stalled = false,
): NotifyEvent | undefined {
  return eventFor(candidateEvents(outcome, previous, stalled), wanted);
}

/** Whether the outcome needs the schedule's past runs at all (saves a visibility query). */
export function needsHistory(outcome: 'succeeded' | 'failed', wanted: readonly NotifyEvent[]): boolean {
  return outcome === 'succeeded' && wanted.includes('recovery');
}
