/**
 * Who hears about a schedule's runs: `annotations.temporal.notify` of the
 * schedule, else the project-wide default from the worker's environment.
 *
 * The webhook URL is a credential. It is kept as written (usually a
 * `${SLACK_WEBHOOK_URL}` reference) and resolved only on the worker, at send
 * time; what travels through Temporal is the `NotifyPlan` (events and
 * deadline), never the URL.
 */
import { UserError, type ErrorDetails } from '../errors.js';
import { durationMs } from '../util/duration.js';

/**
 * `stalled` (a task printed nothing for its stall_timeout) and `paused` (pause_after_failures
 * paused the schedule) are kinds of failure: a channel that hears `failure` hears them too
 * (`wantsEvent` in ./events.ts), one that wants only them names them.
 */
export const NOTIFY_EVENTS = ['failure', 'recovery', 'success', 'late', 'stalled', 'paused'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
export const DEFAULT_NOTIFY_ON: readonly NotifyEvent[] = ['failure', 'recovery'];

/** The worker's project-wide default (one channel for every schedule without its own `notify`). */
export const DEFAULT_WEBHOOK_ENV = 'MELTANO_TEMPORAL_NOTIFY_WEBHOOK';
export const DEFAULT_ON_ENV = 'MELTANO_TEMPORAL_NOTIFY_ON';
export const DEFAULT_DEADLINE_ENV = 'MELTANO_TEMPORAL_NOTIFY_DEADLINE';

export interface NotifySettings {
  /** As written: a URL, or `${VAR}` / `$VAR` references resolved from the worker's environment. */
  webhook: string;
  on: NotifyEvent[];
  /** `late` fires once when a run is still not finished this long after its scheduled time. */
  deadline?: string;
  /** Where the settings come from, for messages: `annotations` or the env variable's name. */
  source: string;
}

/** What the workflow needs to decide when to notify: no URL, safe for history. */
export interface NotifyPlan {
  on: NotifyEvent[];
  deadlineMs?: number;
}

type Fail = (problem: string, fix: string) => never;

const KNOWN = ['webhook', 'on', 'deadline'];
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/gu;

function parseEvents(value: unknown, fail: Fail, what: string): NotifyEvent[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((e) => typeof e === 'string')) {
    fail(`${what} must be a list of events (${NOTIFY_EVENTS.join(', ')}), not ${JSON.stringify(value)}`, fixOn);
  }
  const events = list as string[];
  const unknown = events.filter((e) => !(NOTIFY_EVENTS as readonly string[]).includes(e));
  if (unknown.length) fail(`${what}: unknown event(s) ${unknown.join(', ')}`, fixOn);
  return [...new Set(events)] as NotifyEvent[];
}
const fixOn = `use any of ${NOTIFY_EVENTS.join(', ')}, e.g. on: [failure, recovery]`;

/** A webhook as written must be an http(s) URL or consist of env references; checked without resolving. */
function checkWebhookTemplate(webhook: unknown, fail: Fail): string {
  if (typeof webhook !== 'string' || !webhook.trim()) {
    fail('notify.webhook is required: the URL of a Slack-compatible incoming webhook', fixWebhook);
  }
  const text = (webhook as string).trim();
  if (!/\$/u.test(text) && !isHttpUrl(text)) {
    // The value may be a real URL with a typo: never echo it.
    fail('notify.webhook is neither an http(s) URL nor an environment reference', fixWebhook);
  }
  return text;
}
const fixWebhook = 'set notify.webhook: ${SLACK_WEBHOOK_URL} and export SLACK_WEBHOOK_URL on the workers';

function checkDeadline(value: unknown, fail: Fail): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(durationMs(value) > 0)) {
    fail(
      `notify.deadline must be a duration such as '45m' or '2h', not ${JSON.stringify(value)}`,
      "set deadline: '45m'",
    );
  }
  return value as string;
}

function checkLate(on: NotifyEvent[], deadline: string | undefined, fail: Fail): void {
  if (on.includes('late') && !deadline) {
    fail(
      "notify.on has 'late' but no deadline",
      "set deadline: '45m' beside webhook (how long after its scheduled time a run is late)",
    );
  }
  if (deadline && !on.includes('late')) {
    fail("notify.deadline is set but 'late' is not in notify.on", 'add late to notify.on, or remove deadline');
  }
}

export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * `annotations.temporal.notify` of one schedule; `fail` reports a problem
 * naming the file and the schedule. `notify: false` turns the project-wide
 * default off for this schedule.
 */
export function parseNotifyAnnotation(raw: unknown, fail: Fail): NotifySettings | false {
  if (raw === false) return false;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(
      'notify must be a mapping (or false)',
      'write notify: {webhook: ${SLACK_WEBHOOK_URL}, on: [failure, recovery]}',
    );
  }
  const a = raw as Record<string, unknown>;
  const unknown = Object.keys(a).filter((k) => !KNOWN.includes(k));
  if (unknown.length) fail(`notify: unknown key(s) ${unknown.join(', ')}`, `use only ${KNOWN.join(', ')}`);
  const webhook = checkWebhookTemplate(a.webhook, fail);
  const on = a.on === undefined ? [...DEFAULT_NOTIFY_ON] : parseEvents(a.on, fail, 'notify.on');
  const deadline = checkDeadline(a.deadline, fail);
  checkLate(on, deadline, fail);
  return { webhook, on, ...(deadline ? { deadline } : {}), source: 'annotations' };
}

/** The project-wide default from the worker's environment; undefined when no default webhook is set. */
export function defaultNotifySettings(env: NodeJS.ProcessEnv = process.env): NotifySettings | undefined {
  const webhook = env[DEFAULT_WEBHOOK_ENV];
  if (!webhook) return undefined;
  const fail: Fail = (problem, fix) => {
    throw new UserError(`${DEFAULT_WEBHOOK_ENV} and friends: ${problem}`, { hint: fix });
  };
  const rawOn = env[DEFAULT_ON_ENV];
  const on = rawOn
    ? parseEvents(
        rawOn
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        fail,
        DEFAULT_ON_ENV,
      )
    : [...DEFAULT_NOTIFY_ON];
  const deadline = checkDeadline(env[DEFAULT_DEADLINE_ENV] || undefined, fail);
  checkLate(on, deadline, fail);
  return {
    webhook: checkWebhookTemplate(webhook, fail),
    on,
    ...(deadline ? { deadline } : {}),
    source: DEFAULT_WEBHOOK_ENV,
  };
}

/** The schedule's own settings win; `notify: false` silences the default; else the default, if any. */
export function effectiveNotifySettings(
  own: NotifySettings | false | undefined,
  env: NodeJS.ProcessEnv = process.env,
): NotifySettings | undefined {
  if (own === false) return undefined;
  return own ?? defaultNotifySettings(env);
}

export function notifyPlan(settings: NotifySettings | undefined): NotifyPlan | undefined {
  if (!settings) return undefined;
  return { on: [...settings.on], ...(settings.deadline ? { deadlineMs: durationMs(settings.deadline) } : {}) };
}

/** A webhook that cannot be resolved on this worker: names the variable, never a value. */
export class WebhookConfigError extends UserError {
  constructor(message: string, options: ErrorDetails = {}) {
    super(message, options);
    this.name = 'WebhookConfigError';
  }
}

/**
 * The URL from the settings: `${VAR}` and `$VAR` are replaced from `env`
 * (the worker's environment plus the schedule's `env`). Errors name the
 * variable and where it is used, never the resolved text.
 */
export function resolveWebhook(
  settings: NotifySettings,
  env: Record<string, string | undefined>,
  where: string,
): string {
  const missing: string[] = [];
  const url = settings.webhook.replace(REFERENCE, (_m, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    const value = env[name];
    if (value === undefined || value === '') missing.push(name);
    return value ?? '';
  });
  if (missing.length) {
    throw new WebhookConfigError(
      `the notify webhook of ${where} (${settings.source}) uses ${missing.map((m) => `$${m}`).join(', ')}, which is not set on this worker`,
      {
        hint: `export ${missing[0]}=https://hooks.slack.com/services/... in the worker's environment (or the schedule's env)`,
      },
    );
  }
  if (!isHttpUrl(url)) {
    throw new WebhookConfigError(
      `the notify webhook of ${where} (${settings.source}) does not resolve to an http(s) URL`,
      { hint: 'check the value of the variable it references (it must start with https://)' },
    );
  }
  return url;
}
