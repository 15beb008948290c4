/**
 * Where a notification goes: a Slack-compatible webhook, PagerDuty (Events
 * API v2) or email, each with the events it wants. Read from
 * `notify.to` (or the one `notify.webhook` of earlier versions), validated
 * without resolving anything: secrets stay `${VAR}` references until the
 * worker sends (see resolveTemplate in settings.ts).
 */
import { DEFAULT_NOTIFY_ON, NOTIFY_EVENTS, type NotifyEvent } from './event-names.js';

export type Destination =
  /** `url` as written: a URL, or `${VAR}` / `$VAR` references. */
  | { kind: 'webhook'; url: string; on: NotifyEvent[] }
  /** `routingKey` is always an env reference (a secret); `endpoint` defaults to PagerDuty's Events API v2. */
  | { kind: 'pagerduty'; routingKey: string; endpoint?: string; on: NotifyEvent[] }
  /** Recipients; the SMTP server and its credentials are the worker's (MELTANO_TEMPORAL_SMTP_*). */
  | { kind: 'email'; to: string[]; on: NotifyEvent[] };

export type DestinationKind = Destination['kind'];
export const DESTINATION_KINDS: readonly DestinationKind[] = ['webhook', 'pagerduty', 'email'];

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export type Fail = (problem: string, fix: string) => never;

const REFERENCE_ONLY = /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*)$/u;
const fixOn = `use any of ${NOTIFY_EVENTS.join(', ')}, e.g. on: [failure, recovery]`;
const fixWebhook = 'set webhook: ${SLACK_WEBHOOK_URL} and export SLACK_WEBHOOK_URL on the workers';

export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export function parseEvents(value: unknown, fail: Fail, what: string): NotifyEvent[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((e) => typeof e === 'string')) {
    fail(`${what} must be a list of events (${NOTIFY_EVENTS.join(', ')}), not ${JSON.stringify(value)}`, fixOn);
  }
  const events = list as string[];
  const unknown = events.filter((e) => !(NOTIFY_EVENTS as readonly string[]).includes(e));
  if (unknown.length) fail(`${what}: unknown event(s) ${unknown.join(', ')}`, fixOn);
  return [...new Set(events)] as NotifyEvent[];
}

/** A webhook as written must be an http(s) URL or consist of env references; checked without resolving. */
export function checkWebhookTemplate(webhook: unknown, fail: Fail, what = 'notify.webhook'): string {
  if (typeof webhook !== 'string' || !webhook.trim()) {
    fail(`${what} is required: the URL of a Slack-compatible incoming webhook`, fixWebhook);
  }
  const text = (webhook as string).trim();
  if (!/\$/u.test(text) && !isHttpUrl(text)) {
    // The value may be a real URL with a typo: never echo it.
    fail(`${what} is neither an http(s) URL nor an environment reference`, fixWebhook);
  }
  return text;
}

const EMAIL = /^[^\s@<>,]+@[^\s@<>,]+$/u;

function parseOne(raw: unknown, fail: Fail, at: string, defaultOn: readonly NotifyEvent[]): Destination {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(
      `${at} must be a mapping with one of ${DESTINATION_KINDS.join(', ')}`,
      'write - {webhook: ${SLACK_WEBHOOK_URL}}',
    );
  }
  const entry = raw as Record<string, unknown>;
  const kinds = DESTINATION_KINDS.filter((k) => k in entry);
  if (kinds.length !== 1) {
    fail(
      `${at} must have exactly one of ${DESTINATION_KINDS.join(', ')}${kinds.length ? `, not ${kinds.join(' and ')}` : ''}`,
      'write one destination per list item: - {pagerduty: ${PAGERDUTY_ROUTING_KEY}}',
    );
  }
  const kind = kinds[0] as DestinationKind;
  const allowed = ['on', kind, ...(kind === 'pagerduty' ? ['endpoint'] : [])];
  const unknown = Object.keys(entry).filter((k) => !allowed.includes(k));
  if (unknown.length)
    fail(`${at}: unknown key(s) ${unknown.join(', ')}`, `a ${kind} destination has ${allowed.join(', ')}`);
  const on = entry.on === undefined ? [...defaultOn] : parseEvents(entry.on, fail, `${at}.on`);
  if (kind === 'webhook') return { kind, url: checkWebhookTemplate(entry.webhook, fail, `${at}.webhook`), on };
  if (kind === 'pagerduty') {
    const key = typeof entry.pagerduty === 'string' ? entry.pagerduty.trim() : '';
    if (!REFERENCE_ONLY.test(key)) {
      // Never echo it: it may be the key itself.
      fail(
        `${at}.pagerduty must be an environment reference: the routing key is a secret and stays out of meltano.yml`,
        'write pagerduty: ${PAGERDUTY_ROUTING_KEY} and export PAGERDUTY_ROUTING_KEY on the workers',
      );
    }
    const endpoint = entry.endpoint;
    if (endpoint !== undefined && (typeof endpoint !== 'string' || !isHttpUrl(endpoint))) {
      fail(`${at}.endpoint must be an http(s) URL`, `leave it out for ${PAGERDUTY_EVENTS_URL}`);
    }
    return { kind, routingKey: key, ...(endpoint ? { endpoint: endpoint as string } : {}), on };
  }
  const to = typeof entry.email === 'string' ? [entry.email] : entry.email;
  if (!Array.isArray(to) || to.length === 0 || !to.every((a) => typeof a === 'string' && EMAIL.test(a.trim()))) {
    fail(`${at}.email must be an address or a list of addresses`, 'write email: [oncall@example.com]');
  }
  return { kind: 'email', to: (to as string[]).map((a) => a.trim()), on };
}

/** `notify.to`: a list of destinations; `defaultOn` is `notify.on` (or failure and recovery). */
export function parseDestinations(
  raw: unknown,
  fail: Fail,
  defaultOn: readonly NotifyEvent[] = DEFAULT_NOTIFY_ON,
): Destination[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    return fail(
      'notify.to must be a list of destinations',
      'write to: [{webhook: ${SLACK_WEBHOOK_URL}}, {email: [oncall@example.com]}]',
    );
  }
  return raw.map((d, i) => parseOne(d, fail, `notify.to[${i}]`, defaultOn));
}

/** How a destination is named in messages and results: its kind and place, never a URL or key. */
export function destinationLabel(d: Destination, index: number): string {
  return d.kind === 'email' ? `email#${index + 1} (${d.to.join(', ')})` : `${d.kind}#${index + 1}`;
}
