/** Alert routing: destinations, the project's default, PagerDuty events, SMTP settings. Pure code. */
import { describe, expect, it } from 'vitest';
import { temporalAnnotations } from '../../src/temporal/annotations.js';
import { effectiveNotifySettings, notifyPlan, projectNotifySettings } from '../../src/notify/settings.js';
import { candidateEvents, eventFor } from '../../src/notify/events.js';
import { NOTIFY_EVENTS } from '../../src/notify/event-names.js';
import { buildMessage, plainText, type RunNotice } from '../../src/notify/message.js';
import { pagerDutyDedupKey, pagerDutyEvent } from '../../src/notify/pagerduty.js';
import { mailOf, smtpSettings } from '../../src/notify/email.js';
import { UserError } from '../../src/errors.js';

const schedule = (temporal: unknown) => ({ name: 'nightly', file: 'meltano.yml', annotations: { temporal } });
const errorOf = (fn: () => unknown): UserError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
};

describe('notify.to: several destinations, each with its events', () => {
  it('reads webhook, pagerduty and email; notify.on is the default of each', () => {
    const notify = temporalAnnotations(
      schedule({
        notify: {
          on: ['failure', 'recovery'],
          to: [
            { webhook: '${SLACK}', on: ['failure', 'late', 'stalled'] },
            { pagerduty: '${PD_KEY}', endpoint: 'http://127.0.0.1:9/v2/enqueue' },
            { email: 'oncall@example.com' },
          ],
          deadline: '45m',
        },
      }),
    ).notify;
    expect(notify).toEqual({
      destinations: [
        { kind: 'webhook', url: '${SLACK}', on: ['failure', 'late', 'stalled'] },
        {
          kind: 'pagerduty',
          routingKey: '${PD_KEY}',
          endpoint: 'http://127.0.0.1:9/v2/enqueue',
          on: ['failure', 'recovery'],
        },
        { kind: 'email', to: ['oncall@example.com'], on: ['failure', 'recovery'] },
      ],
      deadline: '45m',
      source: 'annotations',
    });
    expect(notifyPlan(notify || undefined)).toEqual({
      on: ['failure', 'late', 'stalled', 'recovery'],
      deadlineMs: 2_700_000,
    });
  });

  it.each([
    [{ to: [] }, 'notify.to must be a list of destinations'],
    [
      { to: [{ webhook: '$A', email: 'a@b.c' }] },
      'notify.to[0] must have exactly one of webhook, pagerduty, email, not webhook and email',
    ],
    [{ to: [{ slack: '$A' }] }, 'notify.to[0] must have exactly one of webhook, pagerduty, email'],
    [{ to: [{ pagerduty: 'R0UT1NGKEYSECRET' }] }, 'notify.to[0].pagerduty must be an environment reference'],
    [{ to: [{ email: ['not an address'] }] }, 'notify.to[0].email must be an address or a list of addresses'],
    [{ to: [{ email: 'a@b.c', on: ['paused', 'sometimes'] }] }, 'notify.to[0].on: unknown event(s) sometimes'],
    [{ to: [{ webhook: '$A', channel: '#x' }] }, 'notify.to[0]: unknown key(s) channel'],
    [{ to: [{ webhook: '$A' }], webhook: '$B' }, 'notify has both to and webhook'],
    [{ to: [{ webhook: '$A', on: ['late'] }] }, "notify.on has 'late' but no deadline"],
  ])('refuses %j naming the file, the schedule and the fix', (notify, problem) => {
    const err = errorOf(() => temporalAnnotations(schedule({ notify })));
    expect(err.message).toContain("meltano.yml: schedule 'nightly' annotations.temporal: ");
    expect(err.message).toContain(problem);
    expect(err.hint).toBeTruthy();
  });

  it('never echoes a literal routing key', () => {
    const err = errorOf(() => temporalAnnotations(schedule({ notify: { to: [{ pagerduty: 'R0UT1NGKEYSECRET' }] } })));
    expect(err.describe()).not.toContain('R0UT1NGKEYSECRET');
  });

  it('the event names are one list, with the events of the on-call features', () => {
    expect(NOTIFY_EVENTS).toEqual(['failure', 'recovery', 'success', 'late', 'stalled', 'paused']);
  });

  it('each destination gets the most specific event it wants', () => {
    const recovered = candidateEvents('succeeded', { workflowId: 'w', runId: 'r0', status: 'FAILED' });
    expect(recovered).toEqual(['recovery', 'success']);
    expect(eventFor(recovered, ['failure', 'recovery'])).toBe('recovery');
    expect(eventFor(recovered, ['success'])).toBe('success');
    expect(eventFor(recovered, ['failure'])).toBeUndefined();
    const stalled = candidateEvents('failed', undefined, true);
    expect(eventFor(stalled, ['failure', 'stalled'])).toBe('stalled');
    // stalled and paused are kinds of failure: a destination that hears failure hears them by their own name.
    expect(eventFor(stalled, ['failure'])).toBe('stalled');
    expect(eventFor(['paused'], ['failure'])).toBe('paused');
    expect(eventFor(['paused'], ['recovery', 'success'])).toBeUndefined();
  });
});

describe("the project's default: top-level annotations.temporal.notify of meltano.yml", () => {
  const project = (notify: unknown) => ({
    files: [
      { path: '/p/meltano.yml', relPath: 'meltano.yml', text: '', data: { annotations: { temporal: { notify } } } },
    ],
  });
  it("applies where a schedule has none; the schedule's own wins; false silences the worker's default", () => {
    const own = projectNotifySettings(project({ to: [{ email: ['team@example.com'] }] }));
    expect(own).toEqual({
      destinations: [{ kind: 'email', to: ['team@example.com'], on: ['failure', 'recovery'] }],
      source: 'project annotations',
    });
    const env = { MELTANO_TEMPORAL_NOTIFY_WEBHOOK: 'https://hooks.example/all' };
    expect(effectiveNotifySettings(undefined, env, own || undefined)).toBe(own);
    expect(effectiveNotifySettings(undefined, env, false)).toBeUndefined();
    expect(effectiveNotifySettings(undefined, env, undefined)?.source).toBe('MELTANO_TEMPORAL_NOTIFY_WEBHOOK');
    expect(
      projectNotifySettings({ files: [{ path: '/p/meltano.yml', relPath: 'meltano.yml', text: '', data: {} }] }),
    ).toBeUndefined();
  });
  it('a bad one names meltano.yml and the project-wide annotations', () => {
    const err = errorOf(() => projectNotifySettings(project({ to: [{ pagerduty: 'KEY' }] })));
    expect(err.message).toContain('meltano.yml: annotations.temporal (project-wide): notify.to[0].pagerduty');
  });
});

describe('PagerDuty Events API v2', () => {
  const notice: RunNotice = {
    kind: 'failure',
    project: 'shop',
    environment: 'prod',
    schedule: 'nightly',
    job: 'nightly',
    workflowId: 'meltano:shop:prod:nightly-2026-11-25T02:00:00Z',
    runId: 'r-1',
    status: 'failed',
    failedTask: { number: 2, total: 2, task: 'tap-b target-c' },
    error: 'Task 2/2 failed',
    url: 'http://ui/x',
  };
  it('failure triggers, recovery resolves, under one dedup key per schedule', () => {
    const trigger = pagerDutyEvent('KEY', notice, buildMessage(notice));
    expect(trigger).toMatchObject({
      routing_key: 'KEY',
      event_action: 'trigger',
      dedup_key: 'meltano-temporal/shop/prod/nightly',
      payload: {
        summary: "Run of schedule nightly failed: task 2/2 'tap-b target-c' failed",
        source: 'shop/prod',
        severity: 'error',
        component: 'nightly',
        group: 'nightly',
        class: 'failure',
      },
      links: [{ href: 'http://ui/x', text: 'The run in the Temporal Web UI' }],
    });
    const recovery: RunNotice = { ...notice, kind: 'recovery', status: 'succeeded', runId: 'r-2' };
    expect(pagerDutyEvent('KEY', recovery, buildMessage(recovery))).toEqual({
      routing_key: 'KEY',
      event_action: 'resolve',
      dedup_key: pagerDutyDedupKey(notice),
    });
    const late: RunNotice = { ...notice, kind: 'late', status: 'running' };
    expect(pagerDutyEvent('KEY', late, buildMessage(late)).payload?.severity).toBe('warning');
  });
});

describe('email', () => {
  it('SMTP settings from the environment: STARTTLS on 587 by default; each gap named, no value echoed', () => {
    expect(
      smtpSettings({
        MELTANO_TEMPORAL_SMTP_HOST: 'mail.example',
        MELTANO_TEMPORAL_SMTP_USER: 'u',
        MELTANO_TEMPORAL_SMTP_PASSWORD: 'pw-SECRET',
        MELTANO_TEMPORAL_SMTP_FROM: 'etl@example.com',
      }),
    ).toEqual({
      host: 'mail.example',
      port: 587,
      security: 'starttls',
      auth: { user: 'u', pass: 'pw-SECRET' },
      from: 'etl@example.com',
    });
    expect(smtpSettings({ MELTANO_TEMPORAL_SMTP_HOST: 'm', MELTANO_TEMPORAL_SMTP_SECURITY: 'tls' }).port).toBe(465);
    expect(errorOf(() => smtpSettings({})).message).toContain('MELTANO_TEMPORAL_SMTP_HOST is not set on this worker');
    expect(
      errorOf(() => smtpSettings({ MELTANO_TEMPORAL_SMTP_HOST: 'm', MELTANO_TEMPORAL_SMTP_USER: 'u' })).message,
    ).toBe('MELTANO_TEMPORAL_SMTP_USER is set but MELTANO_TEMPORAL_SMTP_PASSWORD is not');
    expect(
      errorOf(() => smtpSettings({ MELTANO_TEMPORAL_SMTP_HOST: 'm', MELTANO_TEMPORAL_SMTP_SECURITY: 'none' })).message,
    ).toContain('must be starttls or tls');
  });
  it('the mail: the headline as subject, plain text without Slack markup', () => {
    const m = buildMessage({
      kind: 'failure',
      project: 'p',
      schedule: 'nightly',
      status: 'failed',
      workflowId: 'w',
      url: 'http://ui/w',
      logTail: ['a <b> & c'],
    });
    const mail = mailOf(m);
    expect(mail.subject).toBe('[meltano-temporal] Run of schedule nightly failed');
    expect(mail.text).toContain('w: http://ui/w');
    expect(mail.text).toContain('a <b> & c');
    expect(plainText('*x* `y` &lt;z&gt;')).toBe("x 'y' <z>");
  });
});
