/**
 * The notify activity: sends a run's notification from the worker (see
 * src/notify/notifier.ts). Its failures are classified for the workflow's
 * retry policy: a webhook that is down or answers 5xx/429 is retried with
 * backoff (429 after its Retry-After); a 4xx or a webhook that does not
 * resolve on this worker is not. No error carries the URL.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { deliverRunNotice, type NoticeOutcome, type NotifyRunInput } from '../src/notify/notifier.js';
import { WebhookError } from '../src/notify/send.js';
import { WebhookConfigError } from '../src/notify/settings.js';
import { UserError } from '../src/errors.js';
import { closedRunsOfSameSchedule } from '../src/temporal/runs.js';
import { FAILURE } from '../workflows/contract.js';
import type { ActivityDeps } from './index.js';

export async function notifyRun(deps: ActivityDeps, input: NotifyRunInput): Promise<NoticeOutcome> {
  const ctx = Context.current();
  const execution = ctx.info.workflowExecution;
  if (!execution) throw ApplicationFailure.nonRetryable('notifyRun runs only as an activity of a job run');
  const namespace = ctx.info.workflowNamespace ?? ctx.info.activityNamespace ?? 'default';
  try {
    const outcome = await deliverRunNotice(input.projectRoot ?? deps.projectRoot, input, {
      workflowId: execution.workflowId,
      runId: execution.runId,
      namespace,
      pastRuns: () => closedRunsOfSameSchedule(ctx.client, execution.workflowId, execution.runId),
      ...(deps.uiUrl ? { uiUrl: deps.uiUrl } : {}),
      env: process.env,
    });
    for (const d of outcome.deliveries ?? []) {
      ctx.log.info('notification sent', { schedule: input.schedule, state: d.event, destination: d.destination });
    }
    if (!outcome.deliveries?.length)
      ctx.log.info(`no notification: ${outcome.skipped ?? ''}`, { schedule: input.schedule });
    return outcome;
  } catch (err) {
    if (err instanceof WebhookError) {
      ctx.log.warn(`notification not delivered: ${err.message}`, { schedule: input.schedule });
      throw ApplicationFailure.create({
        type: err.retryable ? FAILURE.webhookUnavailable : FAILURE.webhookRejected,
        message: err.message,
        nonRetryable: !err.retryable,
        ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
      });
    }
    if (err instanceof WebhookConfigError || err instanceof UserError) {
      throw ApplicationFailure.create({ type: FAILURE.webhookConfig, message: err.describe(), nonRetryable: true });
    }
    throw err;
  }
}
