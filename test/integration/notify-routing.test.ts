/**
 * Alert routing end to end: one schedule with four destinations (two
 * Slack-compatible webhooks, PagerDuty, email) on a real dev server with a
 * real worker process and real `meltano`: a failed run reaches all four
 * (PagerDuty: a trigger; email: a mail over STARTTLS with login to a real
 * aiosmtpd server); the recovery resolves the PagerDuty alert under the same
 * dedup key and reaches only the webhook that wants it. No secret in the
 * run's history. `notify test` reaches each kind, and the project-wide
 * default in the top-level annotations applies to a schedule without its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipelineProject } from '../helpers/pipeline.js';
import { sharedServer } from '../helpers/temporal.js';
import { sleep } from '../helpers/wait.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { TEMPORAL, VENV_PATH, ours } from '../helpers/run.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { startSmtpServer, type SmtpServer } from '../helpers/smtp-server.js';

const server = sharedServer();
const PD_KEY = 'R0UT1NG-KEY-0123456789abcdef';
const SMTP_PASSWORD = 'smtp-pa55-word-4711';
let pagerDuty: WebhookReceiver;
let slackA: WebhookReceiver;
let slackB: WebhookReceiver;
let smtp: SmtpServer;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  pagerDuty = await startWebhookReceiver('/v2/enqueue');
  pagerDuty.script(
    Array.from({ length: 20 }, () => ({ status: 202, body: '{"status":"success","message":"Event processed"}' })),
  );
  slackA = await startWebhookReceiver('/services/A/secret-a');
  slackB = await startWebhookReceiver('/services/B/secret-b');
  smtp = await startSmtpServer('alerts', SMTP_PASSWORD);
});

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await Promise.all([pagerDuty, slackA, slackB].map((r) => r?.close()));
  await smtp?.stop();
});

/** Every payload of the run's history, decoded, beside the history itself. */
async function historyText(workflowId: string): Promise<string> {
  const r = await execa(TEMPORAL, [
    ...['workflow', 'show', '--workflow-id', workflowId, '--output', 'json'],
    ...['--address', server.address, '--namespace', server.namespace],
  ]);
  const out = [r.stdout];
  JSON.parse(r.stdout, (key, value: unknown) => {
    if (key === 'data' && typeof value === 'string') out.push(Buffer.from(value, 'base64').toString('utf8'));
    return value;
  });
  return out.join('\n');
}

describe('alert routing', { timeout: 300_000 }, () => {
  it('failure reaches two webhooks, PagerDuty (trigger) and email; recovery resolves PagerDuty under the same dedup key', async () => {
    const dir = pipelineProject(
      `- name: nightly
  interval: '@daily'
  job: two
  env:
    TAP_COUNT_MARK_FILE: __DIR__/marks.txt
  annotations:
    temporal:
      attempts: 1
      notify:
        to:
        - webhook: \${HOOK_A}
          on: [failure]
        - webhook: \${HOOK_B}
          on: [failure, recovery]
        - pagerduty: \${PD_ROUTING_KEY}
          endpoint: ${pagerDuty.url}
        - email: [oncall@example.com, data-team@example.com]
          on: [failure]
- name: weekly
  interval: '@weekly'
  job: count
`,
      `- name: two
  tasks:
  - tap-count target-lines
  - tap-count-b target-lines
- name: count
  tasks: [tap-count target-lines]
`,
      { TAP_COUNT_FAIL_WHILE: '__DIR__/fail.flag' },
    );
    // The project's default (top-level annotations): for `weekly`, which has no notify of its own.
    appendFileSync(
      path.join(dir, 'meltano.yml'),
      `annotations:\n  temporal:\n    notify:\n      to:\n      - email: project-default@example.com\n`,
    );
    const flag = path.join(dir, 'fail.flag');
    writeFileSync(flag, '');
    const secrets = {
      HOOK_A: slackA.url,
      HOOK_B: slackB.url,
      PD_ROUTING_KEY: PD_KEY,
      MELTANO_TEMPORAL_SMTP_HOST: '127.0.0.1',
      MELTANO_TEMPORAL_SMTP_PORT: String(smtp.port),
      MELTANO_TEMPORAL_SMTP_USER: 'alerts',
      MELTANO_TEMPORAL_SMTP_PASSWORD: SMTP_PASSWORD,
      MELTANO_TEMPORAL_SMTP_FROM: 'meltano@example.com',
      NODE_EXTRA_CA_CERTS: smtp.caFile,
    };
    const queue = `notify-routing-${process.pid}`;
    const cliEnv = { ...server.env, MELTANO_TEMPORAL_TASK_QUEUE: queue, PATH: VENV_PATH };
    const cli = (args: string[], env: Record<string, string> = {}) => ours(dir, args, { ...cliEnv, ...env });
    const sync = await cli(['sync']);
    expect(sync.exitCode, sync.stderr + sync.stdout).toBe(0);
    worker = startWorker(dir, server.env, queue, secrets);
    await worker.ready;

    const failed = await cli(['schedule', 'run', 'nightly']);
    expect(failed.exitCode, failed.stderr).toBe(1);
    const failedId = /started (\S+)/u.exec(failed.stderr)?.[1] ?? '';

    // Two destinations on one event: both receive it.
    const [a] = await slackA.waitFor(1);
    const [b] = await slackB.waitFor(1);
    for (const m of [a, b])
      expect(m?.json).toMatchObject({ event: 'failure', schedule: 'nightly', workflowId: failedId });
    const [trigger] = await pagerDuty.waitFor(1);
    const dedupKey = `meltano-temporal/${String(a?.json?.project)}/dev/nightly`;
    expect(trigger?.json).toMatchObject({
      routing_key: PD_KEY,
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: { severity: 'error', component: 'nightly', class: 'failure', source: `${String(a?.json?.project)}/dev` },
    });
    expect(String((trigger?.json?.payload as { summary: string }).summary)).toContain(
      "Run of schedule nightly failed: task 2/2 'tap-count-b target-lines' failed",
    );
    const [mail] = await smtp.waitFor(1);
    expect(mail).toMatchObject({
      from: 'meltano@example.com',
      to: ['oncall@example.com', 'data-team@example.com'],
      tls: true,
      user: 'alerts',
    });
    expect(mail?.data).toContain('Subject: [meltano-temporal] Run of schedule nightly failed');
    expect(mail?.data).toContain(failedId);

    rmSync(flag);
    const ok = await cli(['schedule', 'run', 'nightly']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const okId = /started (\S+)/u.exec(ok.stderr)?.[1] ?? '';
    const [, resolve] = await pagerDuty.waitFor(2);
    expect(resolve?.json).toEqual({ routing_key: PD_KEY, event_action: 'resolve', dedup_key: dedupKey });
    const [, recovery] = await slackB.waitFor(2);
    expect(recovery?.json).toMatchObject({ event: 'recovery', workflowId: okId });
    // Settle: the webhook that wants only failures and the email got nothing more.
    await sleep(1500);
    expect(slackA.requests).toHaveLength(1);
    expect(smtp.mails()).toHaveLength(1);
    expect(pagerDuty.requests).toHaveLength(2);
    process.stdout.write(
      `PagerDuty receiver saw:\n${pagerDuty.requests.map((r) => `${r.method} ${r.path} ${r.body}`).join('\n')}\n`,
    );

    // No secret in either run's history.
    for (const id of [failedId, okId]) {
      const text = await historyText(id);
      expect(text).toContain('nightly');
      for (const secret of [PD_KEY, SMTP_PASSWORD, 'secret-a', 'secret-b']) expect(text).not.toContain(secret);
    }

    // notify test: each kind; PagerDuty's test alert is resolved at once, under a key of its own.
    const test = await cli(['notify', 'test', 'nightly', '--format=json'], secrets);
    expect(test.exitCode, test.stderr).toBe(0);
    expect(JSON.parse(test.stdout)).toEqual({
      schedule: 'nightly',
      source: 'annotations',
      ok: true,
      destinations: [
        { destination: 'webhook#1', kind: 'webhook' },
        { destination: 'webhook#2', kind: 'webhook' },
        { destination: 'pagerduty#3', kind: 'pagerduty' },
        { destination: 'email#4 (oncall@example.com, data-team@example.com)', kind: 'email' },
      ],
    });
    expect(test.stdout).not.toContain(PD_KEY);
    const pdTest = pagerDuty.requests.slice(2).map((r) => r.json);
    expect(pdTest).toMatchObject([
      { event_action: 'trigger', dedup_key: `${dedupKey}/test`, payload: { class: 'test', severity: 'info' } },
      { event_action: 'resolve', dedup_key: `${dedupKey}/test` },
    ]);
    expect((await smtp.waitFor(2))[1]?.data).toContain('Test message from meltano-temporal');

    // The project's default reaches `weekly`; a destination that does not resolve is named, with exit 1.
    const weekly = await cli(['notify', 'test', 'weekly'], secrets);
    expect(weekly.exitCode, weekly.stderr).toBe(0);
    expect(weekly.stdout).toBe(
      "Sent a test message to email#1 (project-default@example.com) of schedule 'weekly' (project annotations).",
    );
    expect((await smtp.waitFor(3))[2]?.to).toEqual(['project-default@example.com']);
    const missing = await cli(['notify', 'test', 'nightly'], { ...secrets, PD_ROUTING_KEY: '' });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(
      "Error: the test message to pagerduty#3 of schedule 'nightly' failed: the PagerDuty routing key of schedule 'nightly' uses $PD_ROUTING_KEY, which is not set on this worker",
    );
  });
});
