/**
 * One notice to one destination, by kind: resolve its secret on this worker
 * (a webhook URL, a routing key, the SMTP server), then send. Throws a
 * WebhookError (sending failed, classified for retry) or a
 * WebhookConfigError (it does not resolve here).
 */
import { PAGERDUTY_EVENTS_URL, type Destination } from './destinations.js';
import { sendEmail, smtpSettings } from './email.js';
import { buildMessage, type RunNotice } from './message.js';
import { pagerDutyDedupKey, pagerDutyEvent, sendPagerDuty } from './pagerduty.js';
import { postWebhook } from './send.js';
import { resolveTemplate, resolveWebhook } from './settings.js';

/** The secret a destination uses, resolved (throws WebhookConfigError); email's is the worker's SMTP server. */
export function resolveSecret(d: Destination, env: Record<string, string | undefined>, where: string): string {
  switch (d.kind) {
    case 'webhook':
      return resolveWebhook(d.url, env, where);
    case 'pagerduty':
      return resolveTemplate(d.routingKey, env, `the PagerDuty routing key of ${where}`, '<integration key>');
    case 'email':
      return smtpSettings(env as NodeJS.ProcessEnv).auth?.pass ?? '';
  }
}

export async function sendNotice(
  d: Destination,
  notice: RunNotice,
  env: Record<string, string | undefined>,
  where: string,
): Promise<void> {
  const message = buildMessage(notice);
  switch (d.kind) {
    case 'webhook':
      await postWebhook(resolveSecret(d, env, where), message);
      return;
    case 'pagerduty':
      await sendPagerDuty(
        d.endpoint ?? PAGERDUTY_EVENTS_URL,
        pagerDutyEvent(resolveSecret(d, env, where), notice, message),
      );
      return;
    case 'email':
      await sendEmail(smtpSettings(env as NodeJS.ProcessEnv), d.to, message);
      return;
  }
}

/** `notify test`: the test message; PagerDuty gets a test alert under its own dedup key, resolved at once. */
export async function sendTestNotice(
  d: Destination,
  notice: RunNotice,
  env: Record<string, string | undefined>,
  where: string,
): Promise<void> {
  await sendNotice(d, notice, env, where);
  if (d.kind !== 'pagerduty') return;
  const routingKey = resolveSecret(d, env, where);
  await sendPagerDuty(d.endpoint ?? PAGERDUTY_EVENTS_URL, {
    routing_key: routingKey,
    event_action: 'resolve',
    dedup_key: `${pagerDutyDedupKey(notice)}/test`,
  });
}
