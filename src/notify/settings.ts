/**
 * Who hears about a schedule's runs: `annotations.temporal.notify` of the
 * schedule, else the project's (the top-level `annotations.temporal.notify`
 * of meltano.yml), else the worker's MELTANO_TEMPORAL_NOTIFY_WEBHOOK.
 *
 * Webhook URLs and routing keys are credentials. They are kept as written
 * (`${VAR}` references) and resolved only on the worker, at send time; what
 * travels through Temporal is the `NotifyPlan` (events and deadline), never
 * a URL or a key.
 */
import { ProjectFileError, UserError, type ErrorDetails } from '../errors.js';
import type { Project } from '../project/model.js';
import { durationMs } from '../util/duration.js';
import { DEFAULT_NOTIFY_ON, type NotifyEvent } from './event-names.js';
import {
  checkWebhookTemplate,
  isHttpUrl,
  parseDestinations,
  parseEvents,
  type Destination,
  type Fail,
} from './destinations.js';

export { NOTIFY_EVENTS, DEFAULT_NOTIFY_ON, type NotifyEvent } from './event-names.js';
export { isHttpUrl } from './destinations.js';

/** The worker's project-wide default (one channel for every schedule without its own `notify`). */
export const DEFAULT_WEBHOOK_ENV = 'MELTANO_TEMPORAL_NOTIFY_WEBHOOK';
export const DEFAULT_ON_ENV = 'MELTANO_TEMPORAL_NOTIFY_ON';
export const DEFAULT_DEADLINE_ENV = 'MELTANO_TEMPORAL_NOTIFY_DEADLINE';

export interface NotifySettings {
  destinations: Destination[];
  /** `late` fires once when a run is still not finished this long after its scheduled time. */
  deadline?: string;
  /** Where the settings come from, for messages: `annotations`, `project annotations` or the env variable's name. */
  source: string;
}

/** What the workflow needs to decide when to notify: no URL, no key, safe for history. */
export interface NotifyPlan {
  /** Every event some destination wants. */
  on: NotifyEvent[];
  deadlineMs?: number;
}

const KNOWN = ['to', 'webhook', 'on', 'deadline'];
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/gu;

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

function checkLate(destinations: Destination[], deadline: string | undefined, fail: Fail): void {
  const late = destinations.some((d) => d.on.includes('late'));
  if (late && !deadline) {
    fail(
      "notify.on has 'late' but no deadline",
      "set deadline: '45m' in notify (how long after its scheduled time a run is late)",
    );
  }
  if (deadline && !late) {
    fail("notify.deadline is set but no destination has 'late' in its on", 'add late to on, or remove deadline');
  }
}

/**
 * A `notify` mapping (of a schedule or of the project); `fail` reports a
 * problem naming the file and the entry. `notify: false` turns the defaults
 * off. `webhook` (with `on`) is the one-destination form; `to` lists
 * destinations, `on` then being their default.
 */
export function parseNotifyAnnotation(raw: unknown, fail: Fail, source = 'annotations'): NotifySettings | false {
  if (raw === false) return false;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(
      'notify must be a mapping (or false)',
      'write notify: {to: [{webhook: ${SLACK_WEBHOOK_URL}}], on: [failure, recovery]}',
    );
  }
  const a = raw as Record<string, unknown>;
  const unknown = Object.keys(a).filter((k) => !KNOWN.includes(k));
  if (unknown.length) fail(`notify: unknown key(s) ${unknown.join(', ')}`, `use only ${KNOWN.join(', ')}`);
  if (a.to !== undefined && a.webhook !== undefined) {
    fail('notify has both to and webhook', 'move the webhook into to: - {webhook: ${SLACK_WEBHOOK_URL}}');
  }
  const on = a.on === undefined ? [...DEFAULT_NOTIFY_ON] : parseEvents(a.on, fail, 'notify.on');
  const destinations: Destination[] =
    a.to !== undefined
      ? parseDestinations(a.to, fail, on)
      : [{ kind: 'webhook', url: checkWebhookTemplate(a.webhook, fail), on }];
  const deadline = checkDeadline(a.deadline, fail);
  checkLate(destinations, deadline, fail);
  return { destinations, ...(deadline ? { deadline } : {}), source };
}

/** The project's default: `annotations.temporal.notify` at the top of meltano.yml (undefined when absent). */
export function projectNotifySettings(project: Pick<Project, 'files'>): NotifySettings | false | undefined {
  const main = project.files[0];
  const annotations = (main?.data as { annotations?: { temporal?: { notify?: unknown } } } | null)?.annotations;
  const raw = annotations?.temporal?.notify;
  if (raw === undefined || main === undefined) return undefined;
  const fail: Fail = (problem, fix) => {
    throw new ProjectFileError(main.relPath, 'annotations.temporal (project-wide)', problem, { hint: fix });
  };
  return parseNotifyAnnotation(raw, fail, 'project annotations');
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
  const destinations: Destination[] = [{ kind: 'webhook', url: checkWebhookTemplate(webhook, fail), on }];
  const deadline = checkDeadline(env[DEFAULT_DEADLINE_ENV] || undefined, fail);
  checkLate(destinations, deadline, fail);
  return { destinations, ...(deadline ? { deadline } : {}), source: DEFAULT_WEBHOOK_ENV };
}

/**
 * The schedule's own settings win; `notify: false` silences every default;
 * then the project's (`false` there silences the worker's); then the worker's.
 */
export function effectiveNotifySettings(
  own: NotifySettings | false | undefined,
  env: NodeJS.ProcessEnv = process.env,
  project?: NotifySettings | false,
): NotifySettings | undefined {
  if (own === false) return undefined;
  if (own) return own;
  if (project === false) return undefined;
  return project ?? defaultNotifySettings(env);
}

export function notifyPlan(settings: NotifySettings | undefined): NotifyPlan | undefined {
  if (!settings) return undefined;
  const on = [...new Set(settings.destinations.flatMap((d) => d.on))];
  return { on, ...(settings.deadline ? { deadlineMs: durationMs(settings.deadline) } : {}) };
}

/** A destination that cannot be resolved on this worker: names the variable, never a value. */
export class WebhookConfigError extends UserError {
  constructor(message: string, options: ErrorDetails = {}) {
    super(message, options);
    this.name = 'WebhookConfigError';
  }
}

/**
 * `template` with `${VAR}` and `$VAR` replaced from `env` (the worker's
 * environment plus the schedule's `env`). Errors name the variable and
 * where it is used, never the resolved text.
 */
export function resolveTemplate(
  template: string,
  env: Record<string, string | undefined>,
  what: string,
  example: string,
): string {
  const missing: string[] = [];
  const value = template.replace(REFERENCE, (_m, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    const v = env[name];
    if (v === undefined || v === '') missing.push(name);
    return v ?? '';
  });
  if (missing.length) {
    throw new WebhookConfigError(
      `${what} uses ${missing.map((m) => `$${m}`).join(', ')}, which is not set on this worker`,
      { hint: `export ${missing[0]}=${example} in the worker's environment (or the schedule's env)` },
    );
  }
  return value;
}

/** A webhook destination's URL, resolved: must be http(s). */
export function resolveWebhook(url: string, env: Record<string, string | undefined>, where: string): string {
  const what = `the notify webhook of ${where}`;
  const resolved = resolveTemplate(url, env, what, 'https://hooks.slack.com/services/...');
  if (!isHttpUrl(resolved)) {
    throw new WebhookConfigError(`${what} does not resolve to an http(s) URL`, {
      hint: 'check the value of the variable it references (it must start with https://)',
    });
  }
  return resolved;
}
