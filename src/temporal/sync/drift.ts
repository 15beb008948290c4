/**
 * How far a schedule on the server is from what meltano.yml wants. Two
 * depths: the sync hash each schedule carries as a search attribute, read
 * from one listing (the fast path: an unchanged re-sync describes nothing),
 * and the full comparison of a described schedule, which also finds hand
 * edits in the UI (they keep the hash).
 */
import { createHash } from 'node:crypto';
import type { ScheduleDescription, ScheduleSummary } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { OVERLAP_POLICY, type DesiredSchedule } from '../schedule-mapping.js';
import { SYNC_HASH_ATTRIBUTE, type ScheduledRunMemo } from '../../../workflows/contract.js';

function hashIn(attributes: TypedSearchAttributes | undefined): string | undefined {
  const value = attributes?.getAll().find((p) => p.key.name === SYNC_HASH_ATTRIBUTE)?.value;
  return typeof value === 'string' ? value : undefined;
}

/** The sync hash a listed or described schedule carries, if any (none on schedules made before it). */
export function carriedHash(schedule: ScheduleSummary | ScheduleDescription | undefined): string | undefined {
  return hashIn(schedule?.typedSearchAttributes);
}

/**
 * In step by the listing alone: our schedule carries the hash of what meltano.yml wants.
 * `verify` trusts no hash, since a hand edit in the UI keeps it.
 */
export function inStepByListing(listed: ScheduleSummary | undefined, wantedHash: string, verify: boolean): boolean {
  return !verify && carriedHash(listed) === wantedHash;
}

/**
 * A hash of the spec as the server compiled it. The server rewrites a spec
 * (a cron becomes calendars), so it cannot be compared with what we sent:
 * it is recorded after our write (ScheduledRunMemo.serverSpec) and compared later.
 */
export function specHash(description: ScheduleDescription): string {
  const { spec } = description;
  return createHash('sha256')
    .update(
      JSON.stringify({
        calendars: spec.calendars ?? [],
        intervals: spec.intervals ?? [],
        tz: spec.timezone ?? null,
        jitter: spec.jitter ?? null,
        start: spec.startAt ?? null,
        end: spec.endAt ?? null,
      }),
    )
    .digest('hex')
    .slice(0, 16);
}

/** Identity of a desired spec: schedules with equal ones compile to the same server spec. */
export function specKey(d: DesiredSchedule): string {
  return JSON.stringify([d.cron, d.annotations.timezone ?? null, d.annotations.jitter ?? null]);
}

/** What differs between the server's schedule and the desired one, in words (empty: in step). */
export function scheduleDrift(current: ScheduleDescription, d: DesiredSchedule): string[] {
  const { action } = current;
  // Ours, so written by scheduleOptions; a hand edit can change it, and every field is compared as optional.
  const memo = (action.memo ?? {}) as Partial<ScheduledRunMemo>;
  const changes: string[] = [];
  const before = memo.summary ?? {};
  for (const [key, value] of Object.entries(d.summary)) {
    if (before[key] !== value) changes.push(`${key}: ${before[key] ?? '(none)'} -> ${value}`);
  }
  // The summary holds the facts a reader knows; the fingerprint also covers the input and search attributes.
  if (memo.fingerprint !== d.fingerprint && changes.length === 0) changes.push('definition changed');
  if (memo.serverSpec && memo.serverSpec !== specHash(current)) changes.push('spec changed on the server (put back)');
  if (action.workflowType !== d.workflowType || action.taskQueue !== d.taskQueue)
    changes.push('action changed on the server (put back)');
  if (JSON.stringify(action.args ?? []) !== JSON.stringify([d.input]))
    changes.push('workflow input changed on the server (put back)');
  const { policies } = current;
  if (
    policies.overlap !== OVERLAP_POLICY[d.annotations.overlap] ||
    policies.pauseOnFailure !== d.annotations.pauseOnFailure
  )
    changes.push('policies changed on the server (put back)');
  return [...new Set(changes)];
}
