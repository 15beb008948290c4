/**
 * `pause_after_failures`, workflow side: once a run has failed, a local
 * activity counts the schedule's failed runs in a row and pauses the
 * schedule at the threshold (src/temporal/failure-streak.ts); the run that
 * paused it marks itself in its memo (the next count stops there, so an
 * unpause starts it again) and sends the `paused` notice. Never changes the
 * run's own result: a failure here is logged.
 */
import {
  CancellationScope,
  isCancellation,
  log,
  patched,
  proxyLocalActivities,
  upsertMemo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { NotifyPlan } from '../src/notify/settings.js';
import { ACTIVITY, PATCH, type PausedRunMemo } from './contract.js';
import { notifyPaused, type NoticeBase } from './notify.js';

const { [ACTIVITY.pauseAfterFailures]: pauseLocally } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '2m',
  retry: { initialInterval: '1s', maximumAttempts: 5 },
});

export async function pauseIfFailingInARow(
  threshold: number,
  schedule: string,
  notify: { plan: NotifyPlan; base: NoticeBase } | undefined,
): Promise<void> {
  // Runs recorded before this feature replay without its commands.
  if (!patched(PATCH.pauseAfterFailures)) return;
  await CancellationScope.nonCancellable(async () => {
    let outcome;
    try {
      outcome = await pauseLocally({ schedule, threshold });
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('could not count the failed runs in a row (the schedule stays as it is)', {
        error: err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err),
      });
      return;
    }
    if (!outcome.paused || !outcome.note) return;
    upsertMemo({ pausedSchedule: { failures: outcome.failures, note: outcome.note } } satisfies PausedRunMemo);
    if (notify) await notifyPaused(notify.base, { failures: outcome.failures, note: outcome.note });
  });
}
