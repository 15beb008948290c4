/**
 * `pause_after_failures: N`: when a run of a schedule fails, count the
 * schedule's failed runs in a row (this one included) and pause the
 * schedule, with a note saying why, once there are N.
 *
 * Where the count lives: nowhere of its own. It is read from Temporal
 * visibility each time (the schedule's closed runs, newest close first), so
 * nothing can drift out of step with the runs themselves, whatever worker
 * or overlap policy ran them. The run that paused the schedule marks itself
 * in its memo (`PausedRunMemo`): the count stops there, so an unpause
 * starts it again from zero. A success ends a streak; a cancelled or
 * terminated run is somebody's decision and neither counts nor ends one.
 *
 * Overlapping runs: a run counts only closed runs, so two runs failing at
 * the same moment both see the same streak; the schedule is described
 * first and a run that finds it paused already neither pauses nor alerts.
 */
import type { Client } from '@temporalio/client';
import { SEARCH_ATTRIBUTE, type PausedRunMemo } from '../../workflows/contract.js';
import { scheduleId } from './schedule-mapping.js';

/** A closed run of the schedule, as the count reads it. */
export interface StreakRun {
  runId: string;
  status: string;
  closeTime?: Date;
  /** The run paused the schedule (its memo says so). */
  pausedSchedule: boolean;
}

const FAILED = new Set(['FAILED', 'TIMED_OUT']);

/**
 * Failed runs in a row, the current (failed) one included: the closed runs
 * before it, newest close first, until a success or the run that last
 * paused the schedule; stops counting at `limit`.
 */
export function failuresInARow(runs: readonly StreakRun[], currentRunId: string, limit: number): number {
  const closed = runs
    .filter((r) => r.runId !== currentRunId && r.status !== 'RUNNING' && r.closeTime)
    .sort((a, b) => (b.closeTime?.getTime() ?? 0) - (a.closeTime?.getTime() ?? 0));
  let count = 1;
  for (const run of closed) {
    if (count >= limit) break;
    if (run.status === 'COMPLETED' || run.pausedSchedule) break;
    if (FAILED.has(run.status)) count++;
  }
  return count;
}

/** The note the pause carries (shown by `schedule describe` and the Web UI). */
export function pauseNote(failures: number, workflowId: string, at: Date): string {
  return `paused by meltano-temporal after ${failures} failed runs in a row (pause_after_failures: ${failures}; last: ${workflowId} at ${at.toISOString()}); unpause to resume and restart the count`;
}

export interface StreakOutcome {
  failures: number;
  /** The schedule was paused by this run. */
  paused: boolean;
  note?: string;
  /** Why nothing was paused although the threshold was reached. */
  skipped?: string;
}

/**
 * Count the streak of the schedule this failed run belongs to (from the
 * run's search attributes) and pause the schedule when it reaches `threshold`.
 */
export async function pauseAfterFailures(
  client: Client,
  run: { workflowId: string; runId: string },
  threshold: number,
  now: Date = new Date(),
): Promise<StreakOutcome> {
  const attrs = (await client.workflow.getHandle(run.workflowId, run.runId).describe()).typedSearchAttributes;
  const projectKey = attrs.get(SEARCH_ATTRIBUTE.project);
  const environment = attrs.get(SEARCH_ATTRIBUTE.environment);
  const schedule = attrs.get(SEARCH_ATTRIBUTE.schedule);
  if (projectKey === undefined || environment === undefined || schedule === undefined)
    return { failures: 1, paused: false, skipped: 'the run belongs to no schedule' };
  const quote = (v: string): string => `"${v.replace(/\\/gu, '\\\\').replace(/"/gu, '\\"')}"`;
  const query = [
    `${SEARCH_ATTRIBUTE.project.name}=${quote(projectKey)}`,
    `${SEARCH_ATTRIBUTE.environment.name}=${quote(environment)}`,
    `${SEARCH_ATTRIBUTE.schedule.name}=${quote(schedule)}`,
    `ExecutionStatus!="Running"`,
  ].join(' AND ');
  // Enough to see `threshold` failures past a few cancelled runs; the streak never needs more.
  const want = Math.max(threshold * 2, 20);
  const runs: StreakRun[] = [];
  for await (const wf of client.workflow.list({ query, pageSize: want })) {
    const memo = wf.memo as Partial<PausedRunMemo> | undefined;
    runs.push({
      runId: wf.runId,
      status: wf.status.name,
      ...(wf.closeTime ? { closeTime: wf.closeTime } : {}),
      pausedSchedule: Boolean(memo?.pausedSchedule),
    });
    if (runs.length >= want) break;
  }
  const failures = failuresInARow(runs, run.runId, threshold);
  if (failures < threshold) return { failures, paused: false };
  const handle = client.schedule.getHandle(scheduleId(projectKey, environment, schedule));
  const state = (await handle.describe()).state;
  if (state.paused)
    return { failures, paused: false, skipped: `the schedule is paused already (${state.note ?? 'no note'})` };
  const note = pauseNote(failures, run.workflowId, now);
  await handle.pause(note);
  return { failures, paused: true, note };
}
