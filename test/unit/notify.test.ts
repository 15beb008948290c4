/** Notification settings, the message, and the choice of event: pure code, exact expectations. */
import { describe, expect, it } from 'vitest';
import { temporalAnnotations } from '../../src/temporal/annotations.js';
import {
  defaultNotifySettings,
  effectiveNotifySettings,
  notifyPlan,
  resolveWebhook,
  type NotifySettings,
} from '../../src/notify/settings.js';
import { buildMessage, runUrl, splitFailure } from '../../src/notify/message.js';
import { eventForOutcome, needsHistory, previousRun, type PastRun } from '../../src/notify/events.js';
import { msUntilLate } from '../../workflows/late.js';
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

describe('notify settings in annotations.temporal', () => {
  it('reads webhook, events and deadline; defaults to failure and recovery', () => {
    expect(temporalAnnotations(schedule({ notify: { webhook: '${SLACK_WEBHOOK_URL}' } })).notify).toEqual({
      destinations: [{ kind: 'webhook', url: '${SLACK_WEBHOOK_URL}', on: ['failure', 'recovery'] }],
      source: 'annotations',
    });
    expect(
      temporalAnnotations(
        schedule({ notify: { webhook: 'https://hooks.example/x', on: ['late', 'success'], deadline: '45m' } }),
      ).notify,
    ).toEqual({
      destinations: [{ kind: 'webhook', url: 'https://hooks.example/x', on: ['late', 'success'] }],
      deadline: '45m',
      source: 'annotations',
    });
    expect(temporalAnnotations(schedule({ notify: false })).notify).toBe(false);
    expect(temporalAnnotations(schedule({ attempts: 2 })).notify).toBeUndefined();
  });

  it.each([
    [{ notify: 'yes' }, 'notify must be a mapping (or false)'],
    [{ notify: { on: ['failure'] } }, 'notify.webhook is required'],
    [
      { notify: { webhook: 'hooks.slack.com/services/T/B/SECRET' } },
      'neither an http(s) URL nor an environment reference',
    ],
    [{ notify: { webhook: '$X', on: ['failure', 'sometimes'] } }, 'unknown event(s) sometimes'],
    [{ notify: { webhook: '$X', on: [] } }, 'notify.on must be a list of events'],
    [{ notify: { webhook: '$X', on: ['late'] } }, "notify.on has 'late' but no deadline"],
    [{ notify: { webhook: '$X', deadline: '45m' } }, "notify.deadline is set but no destination has 'late'"],
    [{ notify: { webhook: '$X', on: ['late'], deadline: 'soon' } }, 'notify.deadline must be a duration'],
    [{ notify: { webhook: '$X', channel: '#data' } }, 'notify: unknown key(s) channel'],
  ])('refuses %j naming the file, the schedule and the fix', (temporal, problem) => {
    const err = errorOf(() => temporalAnnotations(schedule(temporal)));
    expect(err.message).toContain("meltano.yml: schedule 'nightly' annotations.temporal: ");
    expect(err.message).toContain(problem);
    expect(err.hint).toBeTruthy();
  });

  it('never echoes a malformed webhook value, which may be a real credential with a typo', () => {
    const err = errorOf(() =>
      temporalAnnotations(schedule({ notify: { webhook: 'hooks.slack.com/services/T/B/SECRET' } })),
    );
    expect(err.describe()).not.toContain('SECRET');
  });
});

describe('project-wide default', () => {
  it('applies to schedules without their own notify; notify: false opts out', () => {
    const env = { MELTANO_TEMPORAL_NOTIFY_WEBHOOK: 'https://hooks.example/all' };
    expect(effectiveNotifySettings(undefined, env)).toEqual({
      destinations: [{ kind: 'webhook', url: 'https://hooks.example/all', on: ['failure', 'recovery'] }],
      source: 'MELTANO_TEMPORAL_NOTIFY_WEBHOOK',
    });
    expect(effectiveNotifySettings(false, env)).toBeUndefined();
    const own: NotifySettings = {
      destinations: [{ kind: 'webhook', url: '$A', on: ['success'] }],
      source: 'annotations',
    };
    expect(effectiveNotifySettings(own, env)).toBe(own);
    expect(effectiveNotifySettings(undefined, {})).toBeUndefined();
    expect(
      defaultNotifySettings({
        ...env,
        MELTANO_TEMPORAL_NOTIFY_ON: 'failure, late',
        MELTANO_TEMPORAL_NOTIFY_DEADLINE: '2h',
      }),
    ).toEqual({
      destinations: [{ kind: 'webhook', url: 'https://hooks.example/all', on: ['failure', 'late'] }],
      deadline: '2h',
      source: 'MELTANO_TEMPORAL_NOTIFY_WEBHOOK',
    });
    expect(errorOf(() => defaultNotifySettings({ ...env, MELTANO_TEMPORAL_NOTIFY_ON: 'fail' })).message).toContain(
      'unknown event(s) fail',
    );
  });

  it('the plan for the workflow has events and deadline, never the webhook', () => {
    const plan = notifyPlan({
      destinations: [
        { kind: 'webhook', url: 'https://hooks.example/SECRET', on: ['late'] },
        { kind: 'pagerduty', routingKey: '${PD_KEY}', on: ['failure', 'late', 'recovery'] },
      ],
      deadline: '45m',
      source: 'annotations',
    });
    expect(plan).toEqual({ on: ['late', 'failure', 'recovery'], deadlineMs: 2_700_000 });
    expect(JSON.stringify(plan)).not.toContain('SECRET');
    expect(notifyPlan(undefined)).toBeUndefined();
  });
});

describe('resolveWebhook', () => {
  const webhook = '${SLACK_WEBHOOK_URL}';
  it('replaces ${VAR} and $VAR from the environment', () => {
    expect(resolveWebhook(webhook, { SLACK_WEBHOOK_URL: 'https://hooks.example/T/B/x' }, "schedule 'a'")).toBe(
      'https://hooks.example/T/B/x',
    );
    expect(resolveWebhook('https://$HOST/services/${TOKEN}', { HOST: 'h.example', TOKEN: 't1' }, 'x')).toBe(
      'https://h.example/services/t1',
    );
  });
  it('names a missing variable and the schedule, and never prints a value', () => {
    const missing = errorOf(() => resolveWebhook(webhook, {}, "schedule 'a'"));
    expect(missing.message).toBe(
      "the notify webhook of schedule 'a' uses $SLACK_WEBHOOK_URL, which is not set on this worker",
    );
    const bad = errorOf(() => resolveWebhook(webhook, { SLACK_WEBHOOK_URL: 'not a url SECRET' }, "schedule 'a'"));
    expect(bad.describe()).toContain('does not resolve to an http(s) URL');
    expect(bad.describe()).not.toContain('SECRET');
  });
});

describe('message', () => {
  const failure = splitFailure(
    "Task 2/2 'tap-count target-lines' of job 'count' failed: meltano run 'tap-count target-lines' exited with code 1 (attempt 1, log: /p/x.log)\n" +
      Array.from({ length: 30 }, (_, i) => `line ${i + 1} <b>&</b>`).join('\n'),
  );

  it('splits a task failure into its first line and the last lines of output', () => {
    expect(failure.error).toMatch(/^Task 2\/2 'tap-count target-lines' of job 'count' failed/u);
    expect(failure.logTail).toHaveLength(15);
    expect(failure.logTail[14]).toBe('line 30 <b>&</b>');
  });

  it('failure: Slack text with schedule, task, link and escaped log; structured fields beside it', () => {
    const url = runUrl('http://127.0.0.1:8233/', 'default', 'meltano:p:dev:nightly-2026-11-25T00:00:00Z', 'r-1');
    expect(url).toBe(
      'http://127.0.0.1:8233/namespaces/default/workflows/meltano%3Ap%3Adev%3Anightly-2026-11-25T00%3A00%3A00Z/r-1/history',
    );
    const m = buildMessage({
      kind: 'failure',
      project: 'p',
      environment: 'dev',
      schedule: 'nightly',
      job: 'count',
      workflowId: 'meltano:p:dev:nightly-2026-11-25T00:00:00Z',
      runId: 'r-1',
      status: 'failed',
      failedTask: { number: 2, total: 2, task: 'tap-count target-lines' },
      error: failure.error,
      logTail: failure.logTail,
      durationMs: 252_000,
      url,
    });
    expect(m.text.split('\n').slice(0, 3)).toEqual([
      ':red_circle: Run of schedule *nightly* failed: task 2/2 `tap-count target-lines` failed after 4m12s',
      'project p (dev), job count',
      `<${url}|meltano:p:dev:nightly-2026-11-25T00:00:00Z (run r-1)>`,
    ]);
    expect(m.text).toContain('line 30 &lt;b&gt;&amp;&lt;/b&gt;');
    expect(m.text).not.toContain('line 15 ');
    expect(m).toMatchObject({
      event: 'failure',
      schedule: 'nightly',
      workflowId: 'meltano:p:dev:nightly-2026-11-25T00:00:00Z',
      runId: 'r-1',
      status: 'failed',
      failedTask: { number: 2, total: 2, task: 'tap-count target-lines' },
      durationMs: 252_000,
      url,
    });
    expect(m.logTail).toHaveLength(15);
  });

  it('recovery, success, late and test read as one headline each', () => {
    const base = { project: 'p', schedule: 'nightly', workflowId: 'w', runId: 'r' };
    expect(
      buildMessage({ ...base, kind: 'recovery', status: 'succeeded', durationMs: 63_000 }).text.split('\n')[0],
    ).toBe(':large_green_circle: Schedule *nightly* recovered: this run succeeded in 1m03s after failed runs');
    expect(buildMessage({ ...base, kind: 'success', status: 'succeeded', durationMs: 900 }).text.split('\n')[0]).toBe(
      ':white_check_mark: Run of schedule *nightly* succeeded in 0.9s',
    );
    expect(
      buildMessage({
        ...base,
        kind: 'late',
        status: 'running',
        deadline: '45m',
        scheduledAt: '2026-11-25T02:00:00.000Z',
      }).text.split('\n')[0],
    ).toBe(
      ':hourglass: Run of schedule *nightly* is late: still running 45m after its scheduled time (2026-11-25T02:00:00.000Z)',
    );
    expect(buildMessage({ project: 'p', schedule: 'nightly', kind: 'test', status: 'test' }).text).toBe(
      ':wave: Test message from meltano-temporal for schedule *nightly*: notifications reach this channel\nproject p',
    );
  });
});

describe('which event a run sends', () => {
  const run = (status: string, close: number, runId = `r${close}`): PastRun => ({
    workflowId: `w${close}`,
    runId,
    status,
    closeTime: new Date(close * 1000),
  });

  it('the previous run is the latest closed one other than the current run', () => {
    const runs = [
      run('FAILED', 10),
      run('COMPLETED', 30, 'current'),
      run('COMPLETED', 20),
      { workflowId: 'x', runId: 'y', status: 'RUNNING' },
    ];
    expect(previousRun(runs, { workflowId: 'w30', runId: 'current' })?.runId).toBe('r20');
    expect(previousRun([], { workflowId: 'a', runId: 'b' })).toBeUndefined();
  });

  it('failure once per failed run; recovery only right after a failed or timed-out run; success otherwise', () => {
    const all = ['failure', 'recovery', 'success'] as const;
    expect(eventForOutcome('failed', run('COMPLETED', 1), all)).toBe('failure');
    expect(eventForOutcome('failed', undefined, ['recovery'])).toBeUndefined();
    expect(eventForOutcome('succeeded', run('FAILED', 1), all)).toBe('recovery');
    expect(eventForOutcome('succeeded', run('TIMED_OUT', 1), ['failure', 'recovery'])).toBe('recovery');
    expect(eventForOutcome('succeeded', run('COMPLETED', 1), all)).toBe('success');
    expect(eventForOutcome('succeeded', run('COMPLETED', 1), ['failure', 'recovery'])).toBeUndefined();
    expect(eventForOutcome('succeeded', run('CANCELLED', 1), ['failure', 'recovery'])).toBeUndefined();
    expect(eventForOutcome('succeeded', undefined, ['recovery', 'success'])).toBe('success');
    expect(eventForOutcome('succeeded', run('FAILED', 1), ['success'])).toBe('success');
    expect(needsHistory('succeeded', ['recovery'])).toBe(true);
    expect(needsHistory('failed', all)).toBe(false);
    expect(needsHistory('succeeded', ['failure', 'success'])).toBe(false);
  });

  it('late: deadline after the scheduled time, else after the start; at once when already past', () => {
    expect(msUntilLate(45_000, 1_000_000, 1_010_000, 1_020_000)).toBe(25_000);
    expect(msUntilLate(45_000, undefined, 1_010_000, 1_020_000)).toBe(35_000);
    expect(msUntilLate(5_000, 1_000_000, 1_010_000, 1_020_000)).toBe(0);
  });
});
