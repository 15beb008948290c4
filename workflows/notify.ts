/**
 * Notifications from inside the job workflow: the `late` watch (a timer from
 * the scheduled time that sends one message while the run still runs) and
 * the message when the run ends. Both go through the notify activity (a
 * local activity, outside the `meltano` task slots) with its own retry
 * policy; a webhook that stays down is logged and never changes the run's
 * own result. Only names and the run's facts are passed: the webhook is
 * resolved on the worker.
 */
import {
  CancellationScope,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { NotifyRunInput } from '../src/notify/notifier.js';
import type { NotifyPlan } from '../src/notify/settings.js';
import { msUntilLate } from './late.js';
import { ACTIVITY, FAILURE, PATCH, SEARCH_ATTRIBUTE } from './contract.js';

const notifyRetry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  nonRetryableErrorTypes: [FAILURE.webhookRejected, FAILURE.webhookConfig],
};

const { [ACTIVITY.notifyRun]: notifyActivity } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  // However long the webhook stays down, the run ends at most this much later.
  scheduleToCloseTimeout: '10m',
  retry: notifyRetry,
});

const { [ACTIVITY.notifyRun]: notifyLocally } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  // However long the webhook stays down, the run ends at most this much later (wall clock of the workers).
  scheduleToCloseTimeout: '10m',
  // Backoffs longer than this wait on a workflow timer, not inside the worker: the workflow task is not held
  // open for minutes and a retry survives a worker restart.
  localRetryThreshold: '2s',
  // Attempts bound the retries also where the wall clock does not advance (time-skipping tests): about 9 minutes
  // of backoff when the webhook refuses at once.
  retry: { ...notifyRetry, maximumAttempts: 15 },
});

export type NoticeBase = Pick<
  NotifyRunInput,
  'projectRoot' | 'project' | 'schedule' | 'environment' | 'job' | 'retryOf'
>;

/** The time the schedule meant this run to start (absent for runs started by hand or by `runs retry`). */
export function scheduledStart(): Date | undefined {
  return workflowInfo().typedSearchAttributes.get(SEARCH_ATTRIBUTE.scheduledStartTime);
}

async function send(input: NotifyRunInput): Promise<void> {
  try {
    await (patched(PATCH.localNotify) ? notifyLocally(input) : notifyActivity(input));
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.warn('notification not delivered (the run result is unaffected)', {
      error: err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err),
    });
  }
}

export interface LateWatch {
  /** Stop the timer (the run ended); waits for a message already being sent. */
  stop(): Promise<void>;
}

/** Start the `late` timer when the plan asks for it. */
export function watchForLate(plan: NotifyPlan, base: NoticeBase): LateWatch {
  if (!plan.on.includes('late') || !plan.deadlineMs) return { stop: async () => {} };
  const scheduled = scheduledStart();
  const info = workflowInfo();
  const delay = msUntilLate(plan.deadlineMs, scheduled?.getTime(), info.runStartTime.getTime(), Date.now());
  let fired = false;
  const timerScope = new CancellationScope();
  const watching = timerScope
    .run(async () => {
      if (delay > 0) await sleep(delay);
      fired = true;
    })
    .then(
      // The message itself is sent outside the timer's scope: ending the run does not cut it off.
      () =>
        send({
          ...base,
          event: 'late',
          durationMs: Date.now() - info.runStartTime.getTime(),
          ...(scheduled ? { scheduledAt: scheduled.toISOString() } : {}),
        }),
      (err: unknown) => {
        if (!isCancellation(err)) throw err;
      },
    );
  return {
    async stop() {
      if (!fired) timerScope.cancel();
      await watching;
    },
  };
}

/** The message when the run ended; the activity decides which event (if any) the outcome earns. */
export async function notifyFinished(
  plan: NotifyPlan,
  base: NoticeBase,
  outcome: Pick<NotifyRunInput, 'outcome' | 'failedTask' | 'error' | 'stalled'>,
): Promise<void> {
  const wanted =
    outcome.outcome === 'failed'
      ? plan.on.some((e) => e === 'failure' || (e === 'stalled' && outcome.stalled === true))
      : plan.on.some((e) => e === 'success' || e === 'recovery');
  if (!wanted) return;
  // A cancel request arriving while the message is on its way does not cut it off.
  await CancellationScope.nonCancellable(() =>
    send({ ...base, event: 'finished', durationMs: Date.now() - workflowInfo().runStartTime.getTime(), ...outcome }),
  );
}

/** The `paused` notice (pause_after_failures paused the schedule); the activity decides whether it is wanted. */
export async function notifyPaused(base: NoticeBase, paused: NonNullable<NotifyRunInput['paused']>): Promise<void> {
  await CancellationScope.nonCancellable(() =>
    send({ ...base, event: 'paused', durationMs: Date.now() - workflowInfo().runStartTime.getTime(), paused }),
  );
}
