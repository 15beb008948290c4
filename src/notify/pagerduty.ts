/**
 * PagerDuty Events API v2: a problem event (failure, stalled, late, paused)
 * triggers an alert, a good one (recovery, success) resolves it. One dedup
 * key per schedule, so every failure of a schedule lands on one incident
 * and its recovery closes it. The routing key travels only in the request
 * body, from the worker; no message names it.
 */
import { PROBLEM_EVENTS } from './event-names.js';
import { plainText, type RunNotice, type WebhookMessage } from './message.js';
import { postWebhook } from './send.js';

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    component: string;
    group?: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  client?: string;
  client_url?: string;
  links?: Array<{ href: string; text: string }>;
}

/** The incident of one schedule of one project and environment. */
export function pagerDutyDedupKey(n: Pick<RunNotice, 'project' | 'environment' | 'schedule'>): string {
  return `meltano-temporal/${n.project}/${n.environment ?? '-'}/${n.schedule}`;
}

const MAX_SUMMARY = 1024;

export function pagerDutyEvent(routingKey: string, notice: RunNotice, message: WebhookMessage): PagerDutyEvent {
  const dedup = notice.kind === 'test' ? `${pagerDutyDedupKey(notice)}/test` : pagerDutyDedupKey(notice);
  const trigger = notice.kind === 'test' || PROBLEM_EVENTS.includes(notice.kind);
  if (!trigger) return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedup };
  const [headline = ''] = plainText(message.text).split('\n');
  // The facts as fields; the text is the summary's source and too long for a detail.
  const fields: Record<string, unknown> = { ...message };
  delete fields.text;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedup,
    payload: {
      summary: headline.slice(0, MAX_SUMMARY),
      source: `${notice.project}${notice.environment ? `/${notice.environment}` : ''}`,
      severity:
        notice.kind === 'failure' || notice.kind === 'stalled' ? 'error' : notice.kind === 'test' ? 'info' : 'warning',
      component: notice.schedule,
      ...(notice.job ? { group: notice.job } : {}),
      class: notice.kind,
      custom_details: fields,
    },
    client: 'meltano-temporal',
    ...(notice.url
      ? { client_url: notice.url, links: [{ href: notice.url, text: 'The run in the Temporal Web UI' }] }
      : {}),
  };
}

/** Send one event; PagerDuty answers 202. Errors are WebhookErrors, classified for retry like a webhook's. */
export async function sendPagerDuty(endpoint: string, event: PagerDutyEvent): Promise<void> {
  await postWebhook(endpoint, event, { what: 'PagerDuty', secrets: [event.routing_key] });
}
