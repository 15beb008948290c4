/**
 * The time a run stands for: its scheduled (nominal) time and its data interval, worked
 * out from what the server recorded when it started the run and from the schedule's own
 * spec, so cron, timezone and daylight-saving rules are Temporal's, not a copy of them.
 *
 * The rule, one for every way a run starts:
 * - the interval ends at the run's scheduled time: the slot a schedule started it for
 *   (`TemporalScheduledStartTime`, also the slot of a backfilled run), else the time
 *   the run started (a run started by hand, `schedule run --full-refresh`, `job run`);
 * - it starts at the spec's latest slot strictly before that end, as the server's
 *   ListScheduleMatchingTimes answers. A run on its slot gets (previous slot, slot]; a
 *   trigger at 10:23 of an hourly schedule gets 10:00 to 10:23, what the next slot
 *   picks up again;
 * - without a spec (a manual-only schedule, a job run without a schedule, a schedule
 *   since removed) the interval is empty: start = end = the scheduled time;
 * - a `runs retry` run stands for the time of the run it retries.
 *
 * With `jitter`, the server answers actual start times (slot + its jitter), not slots:
 * the start is then the previous actual start less the jitter, so intervals overlap by
 * up to the jitter and never leave a gap.
 */
import type { Client } from '@temporalio/client';
import type { RunContext } from '../../workflows/types.js';
import { SEARCH_ATTRIBUTE, type RetryRunMemo } from '../../workflows/contract.js';
import { scheduleId as scheduleIdOf } from './schedule-mapping.js';
import { createRequire } from 'node:module';
import { clientSdk } from './sdk.js';
import { emptyRunContext, rfc3339 } from '../meltano/run-context-env.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * How far back to look for the previous slot, nearest first. The server caps how many
 * times one answer holds (the earliest ones), so a near window first keeps frequent
 * schedules cheap; previousSlot confirms no later slot was cut off.
 */
const LOOKBACK_MS = [HOUR, DAY, 32 * DAY, 367 * DAY, 5 * 366 * DAY];
/** A chain of retries of retries is followed this far back. */
const MAX_RETRY_DEPTH = 20;

/** The SDK's timestamp conversions (CommonJS, loaded as sdk.ts loads the SDK). */
const requireTime = (): typeof import('@temporalio/common/lib/time.js') =>
  createRequire(import.meta.url)('@temporalio/common/lib/time.js');

/** The spec's times in [startMs, endMs), as epoch milliseconds. */
export type MatchingTimes = (startMs: number, endMs: number) => Promise<number[]>;

/**
 * The latest time of `matching` strictly before `endMs`, or undefined when there is none
 * in the last five years.
 */
export async function previousSlot(matching: MatchingTimes, endMs: number): Promise<number | undefined> {
  for (const window of LOOKBACK_MS) {
    let from = endMs - window;
    let latest: number | undefined;
    for (;;) {
      const times = (await matching(from, endMs)).filter((t) => t >= from && t < endMs);
      if (!times.length) break;
      latest = Math.max(...times);
      // A capped answer holds the earliest times: ask again after the latest one seen.
      from = latest + 1;
    }
    if (latest !== undefined) return latest;
  }
  return undefined;
}

/** The interval of a run scheduled at `endMs` under a spec (`matching`), or an empty one without a spec. */
export async function intervalFor(
  endMs: number,
  spec: { scheduleId: string; matching: MatchingTimes; jitterMs: number } | undefined,
): Promise<RunContext> {
  const empty = emptyRunContext(endMs);
  if (!spec) return empty;
  const previous = await previousSlot(spec.matching, Math.floor(endMs / 1000) * 1000);
  if (previous === undefined) return { ...empty, scheduleId: spec.scheduleId };
  return {
    ...empty,
    intervalStart: rfc3339(previous - spec.jitterMs),
    kind: 'schedule',
    scheduleId: spec.scheduleId,
  };
}

/** The schedule's spec as the server evaluates it, or undefined when the schedule is gone. */
async function serverSpec(
  client: Client,
  scheduleId: string,
): Promise<{ scheduleId: string; matching: MatchingTimes; jitterMs: number } | undefined> {
  let jitterMs: number;
  try {
    jitterMs = (await client.schedule.getHandle(scheduleId).describe()).spec.jitter ?? 0;
  } catch (err) {
    if (err instanceof clientSdk().ScheduleNotFoundError) return undefined;
    throw err;
  }
  const matching: MatchingTimes = async (startMs, endMs) => {
    const { msToTs, tsToMs } = requireTime();
    const reply = await client.workflowService.listScheduleMatchingTimes({
      namespace: client.options.namespace,
      scheduleId,
      startTime: msToTs(startMs),
      endTime: msToTs(endMs),
    });
    return (reply.startTime ?? []).map((t) => tsToMs(t));
  };
  return { scheduleId, matching, jitterMs };
}

/**
 * The time the run `workflowId`/`runId` stands for (see the rules above), read from the
 * server: the run's search attributes and memo, then the schedule's spec.
 */
export async function runContextOf(
  client: Client,
  workflowId: string,
  runId: string | undefined,
  depth = 0,
): Promise<RunContext> {
  const run = await client.workflow.getHandle(workflowId, runId).describe();
  const retryOf = (run.memo as Partial<RetryRunMemo> | undefined)?.retryOf;
  if (retryOf && depth < MAX_RETRY_DEPTH) return runContextOf(client, retryOf.workflowId, retryOf.runId, depth + 1);
  const attrs = run.typedSearchAttributes;
  const scheduledStart = attrs.get(SEARCH_ATTRIBUTE.scheduledStartTime);
  const project = attrs.get(SEARCH_ATTRIBUTE.project);
  const schedule = attrs.get(SEARCH_ATTRIBUTE.schedule);
  // Started by a schedule, or by hand with the schedule's own attributes (manual-run.ts).
  const scheduleId =
    attrs.get(SEARCH_ATTRIBUTE.scheduledById) ??
    (project && schedule ? scheduleIdOf(project, attrs.get(SEARCH_ATTRIBUTE.environment), schedule) : undefined);
  const endMs = (scheduledStart ?? run.startTime).getTime();
  return intervalFor(endMs, scheduleId ? await serverSpec(client, scheduleId) : undefined);
}
