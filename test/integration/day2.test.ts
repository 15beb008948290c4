/**
 * Day-2 operations end to end: failure and recovery alerts to a real local
 * HTTP receiver, `runs retry` from the failed task, `late` alerts, a webhook
 * that is down, `schedule run` options reaching `meltano run`, and
 * `temporal workflow reset` on our workflow. Real dev server, real `meltano`,
 * real worker processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipelineProject } from '../helpers/pipeline.js';
import { freePort, sharedServer } from '../helpers/temporal.js';
import { sleep, waitFor, waitForOutput } from '../helpers/wait.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { MELTANO, TEMPORAL, VENV_PATH, ours } from '../helpers/run.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import type { JobRunResult } from '../../workflows/types.js';

const server = sharedServer();
let client: Client;
const workers: WorkerProcess[] = [];
const receivers: WebhookReceiver[] = [];
let queueCounter = 0;

const SECRET = 'sEcReT-env-value-4711';

beforeAll(async () => {
  client = await server.client();
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(port?: number): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(undefined, port);
  receivers.push(r);
  return r;
}

/** A project synced to the dev server on its own task queue, with a worker polling it. */
async function deploy(
  dir: string,
  workerEnv: Record<string, string>,
  workerArgs: string[] = [],
): Promise<{
  queue: string;
  worker: WorkerProcess;
  cli: (args: string[], env?: Record<string, string>) => ReturnType<typeof ours>;
}> {
  const queue = `day2-${process.pid}-${++queueCounter}`;
  const cliEnv = { ...server.env, MELTANO_TEMPORAL_TASK_QUEUE: queue, PATH: VENV_PATH };
  const cli = (args: string[], env: Record<string, string> = {}) => ours(dir, args, { ...cliEnv, ...env });
  const sync = await cli(['sync']);
  expect(sync.exitCode, sync.stderr + sync.stdout).toBe(0);
  const worker = startWorker(
    dir,
    server.env,
    queue,
    { MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false', ...workerEnv },
    workerArgs,
  );
  workers.push(worker);
  await worker.ready;
  return { queue, worker, cli };
}

async function history(workflowId: string): Promise<string> {
  const r = await execa(
    TEMPORAL,
    [
      ...['workflow', 'show', '--workflow-id', workflowId, '--output', 'json'],
      ...['--address', server.address, '--namespace', server.namespace],
    ],
    { reject: false },
  );
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

/** Every payload of a `temporal workflow show --output json` history, decoded (the CLI prints them base64). */
function decodedPayloads(shown: string): string[] {
  const out: string[] = [];
  JSON.parse(shown, (key, value: unknown) => {
    if (key === 'data' && typeof value === 'string') out.push(Buffer.from(value, 'base64').toString('utf8'));
    return value;
  });
  return out;
}

/**
 * A run's history as text with every payload decoded: a secret would be
 * base64 in the raw text, where a plain `not.toContain` could never find it.
 */
async function historyText(workflowId: string): Promise<string> {
  const shown = await history(workflowId);
  return [shown, ...decodedPayloads(shown)].join('\n');
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

// Each test runs real meltano several times: on a loaded shared host that takes minutes.
describe('day-2 operations', { timeout: 300_000 }, () => {
  it('failure alert once per failed run, `runs retry` from the failed task, then a recovery alert; no secret anywhere', async () => {
    const hook = await receiver();
    const dir = pipelineProject(
      `- name: nightly
  interval: '@daily'
  job: two
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
    TAP_COUNT_MARK_FILE: __DIR__/marks.txt
    TAP_COUNT_SECRET: ${SECRET}
  annotations:
    temporal:
      attempts: 1
      notify:
        webhook: \${DAY2_WEBHOOK}
        on: [failure, recovery]
`,
      `- name: two
  tasks:
  - tap-count target-lines
  - tap-count-b target-lines
`,
      { TAP_COUNT_FAIL_WHILE: '__DIR__/fail.flag', TAP_COUNT_LABEL: 'second' },
    );
    const flag = path.join(dir, 'fail.flag');
    writeFileSync(flag, '');
    const { cli } = await deploy(dir, { DAY2_WEBHOOK: hook.url });

    const run = await cli(['schedule', 'run', 'nightly']);
    expect(run.exitCode, run.stderr).toBe(1);
    const failedId = /started (\S+)/u.exec(run.stderr)?.[1] ?? '';
    expect(failedId).toMatch(/^meltano:.*:dev:nightly-/u);
    expect(lines(path.join(dir, 'marks.txt'))).toEqual(['run', 'second']);

    const [failure] = await hook.waitFor(1);
    const msg = failure?.json ?? {};
    expect(msg).toMatchObject({
      event: 'failure',
      schedule: 'nightly',
      job: 'two',
      workflowId: failedId,
      status: 'failed',
      failedTask: { number: 2, total: 2, task: 'tap-count-b target-lines' },
    });
    expect(String(msg.text)).toContain('*nightly* failed: task 2/2 `tap-count-b target-lines` failed');
    expect(String(msg.text)).toContain(failedId);
    expect((msg.logTail as string[]).join('\n')).toContain('failing while');
    expect((msg.logTail as string[]).join('\n')).toContain('(token ***)');
    // No secret env value and no webhook URL in the message or the run's history.
    const shown = await history(failedId);
    const payloads = decodedPayloads(shown);
    for (const text of [failure?.body ?? '', shown, ...payloads]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(hook.url);
      expect(text).not.toContain('secret-token-0123456789');
    }
    // Sent by the local activity: its marker's data names it.
    expect(payloads.some((p) => p.includes('"activity_type":"notifyRun"'))).toBe(true);
    await sleep(1500);
    expect(hook.requests).toHaveLength(1);

    rmSync(flag);
    const retry = await cli(['runs', 'retry', failedId]);
    expect(retry.exitCode, retry.stderr).toBe(0);
    const retryId = /started (\S+): retry of/u.exec(retry.stderr)?.[1] ?? '';
    expect(retryId).toBe(`${failedId}-retry-${retryId.slice(-16)}`);
    expect(retry.stderr).toContain('from task 2');
    expect(retry.stderr).toContain('[1/2] tap-count target-lines: skipped');
    // Task 1 did not run again: its tap ran once, its target got its 3 rows once; task 2 added its own 3.
    expect(lines(path.join(dir, 'marks.txt'))).toEqual(['run', 'second', 'second']);
    expect(lines(path.join(dir, 'out.jsonl'))).toHaveLength(6);
    const result = (await client.workflow.getHandle(retryId).result()) as JobRunResult;
    expect(result.resumedFrom).toBe(1);
    expect(result.tasks.map((t) => t.index)).toEqual([1]);

    const [, recovery] = await hook.waitFor(2);
    expect(recovery?.json).toMatchObject({
      event: 'recovery',
      schedule: 'nightly',
      workflowId: retryId,
      status: 'succeeded',
      retryOf: { workflowId: failedId },
    });
    // Listed with the schedule's runs; memo and details point back at the original.
    const description = await client.workflow.getHandle(retryId).describe();
    expect(description.memo).toMatchObject({ retryOf: { workflowId: failedId }, fromTask: 1 });
    expect(await description.staticDetails()).toContain(`Retry of ${failedId}`);
    const attrs = Object.fromEntries(description.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    expect(attrs).toMatchObject({ MeltanoSchedule: 'nightly', MeltanoJob: 'two', MeltanoEnvironment: 'dev' });
    const listed = await waitFor(
      'both runs listed',
      async () => {
        const runs = await cli(['runs', 'nightly', '--format=json']);
        const ids = (JSON.parse(runs.stdout) as { runs: Array<{ workflowId: string }> }).runs.map((r) => r.workflowId);
        return ids.length >= 2 && ids;
      },
      { timeoutMs: 10_000, intervalMs: 500 },
    );
    expect(listed.sort()).toEqual([failedId, retryId].sort());
    const retryText = await historyText(retryId);
    expect(retryText).toContain('tap-count-b'); // the decoded payloads are really there to search
    expect(retryText).not.toContain(SECRET);

    // --from-start re-runs every task; its success after a success sends nothing.
    const full = await cli(['runs', 'retry', failedId, '--from-start']);
    expect(full.exitCode, full.stderr).toBe(0);
    expect(full.stderr).toContain('from the first task');
    expect(lines(path.join(dir, 'marks.txt'))).toEqual(['run', 'second', 'second', 'run', 'second']);
    expect(lines(path.join(dir, 'out.jsonl'))).toHaveLength(12);
    await sleep(1500);
    expect(hook.requests).toHaveLength(2);

    // A completed run is not retried; a missing one is named.
    const again = await cli(['runs', 'retry', retryId]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(
      'is COMPLETED: only a failed, cancelled, terminated or timed-out run can be retried',
    );
  });

  it('late: one message while the task still runs, not again when it ends', async () => {
    const hook = await receiver();
    const dir = pipelineProject(
      `- name: slow
  interval: '@daily'
  job: one
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
    TAP_COUNT_SLEEP: '10'
  annotations:
    temporal:
      notify:
        webhook: \${DAY2_WEBHOOK}
        on: [late, failure]
        deadline: 3s
`,
      `- name: one
  tasks:
  - tap-count target-lines
`,
    );
    const { cli } = await deploy(dir, { DAY2_WEBHOOK: hook.url });
    const started = await cli(['schedule', 'run', 'slow', '--no-wait']);
    expect(started.exitCode, started.stderr).toBe(0);
    const id = started.stdout.trim();
    const [late] = await hook.waitFor(1, 60_000);
    // Sent while the run still runs.
    expect((await client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
    expect(late?.json).toMatchObject({
      event: 'late',
      schedule: 'slow',
      workflowId: id,
      status: 'running',
      deadline: '3s',
    });
    expect(String(late?.json?.text)).toContain('*slow* is late: still running 3s after its scheduled time');
    await client.workflow.getHandle(id).result();
    await sleep(1500);
    expect(hook.requests).toHaveLength(1);
  });

  it('a webhook that is down (refused, then 500) does not change the run; the message arrives once it answers', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/services/T000/B000/secret-token-0123456789`;
    const dir = pipelineProject(
      `- name: down
  interval: '@daily'
  job: one
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
  annotations:
    temporal:
      notify:
        webhook: \${DAY2_WEBHOOK}
        on: [success]
`,
      `- name: one
  tasks:
  - tap-count target-lines
`,
    );
    const { cli, worker } = await deploy(dir, { DAY2_WEBHOOK: url });
    const started = await cli(['schedule', 'run', 'down', '--no-wait']);
    expect(started.exitCode, started.stderr).toBe(0);
    const id = started.stdout.trim();
    await waitForOutput(worker, 'connection refused (ECONNREFUSED)');
    expect(worker.output()).toContain(
      'notification not delivered: webhook#1: webhook unreachable: connection refused (ECONNREFUSED)',
    );
    const hook = await receiver(port);
    hook.script([500]);
    const result = (await client.workflow.getHandle(id).result()) as JobRunResult;
    expect(result.tasks.map((t) => t.exitCode)).toEqual([0]);
    expect(hook.requests.map((r) => r.status)).toEqual([500, 200]);
    expect(hook.delivered()[0]?.json).toMatchObject({ event: 'success', schedule: 'down', workflowId: id });
    expect(worker.output()).toContain('webhook answered HTTP 500');
    expect(worker.output()).not.toContain('secret-token-0123456789');
    expect(await historyText(id)).not.toContain('secret-token-0123456789');
  });

  it("schedule run options reach each task's `meltano run` and show in the run's details", async () => {
    const dir = pipelineProject(`- name: opts
  interval: '@daily'
  job: count
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
`);
    // A wrapper in front of the real meltano records the arguments it receives.
    const argsFile = path.join(dir, 'meltano-args.txt');
    const wrapper = path.join(dir, 'meltano-wrapper');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nprintf '%s ' "$@" >> '${argsFile}'\necho >> '${argsFile}'\nexec '${MELTANO}' "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const { cli } = await deploy(dir, { MELTANO_BIN: wrapper });
    const help = await cli(['schedule', 'run', '--help']);
    for (const flag of ['--full-refresh', '--refresh-catalog', '--no-state-update', '--state-id-suffix <suffix>'])
      expect(help.stdout).toContain(flag);

    const run = await cli([
      'schedule',
      'run',
      'opts',
      '--full-refresh',
      '--refresh-catalog',
      '--no-state-update',
      '--state-id-suffix',
      'sfx',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    const id = /started (\S+)/u.exec(run.stderr)?.[1] ?? '';
    const calls = lines(argsFile);
    expect(calls).toHaveLength(2);
    for (const call of calls)
      expect(call).toMatch(
        /^run --run-id [0-9a-f-]{36} --full-refresh --refresh-catalog --no-state-update --state-id-suffix sfx tap-count target-lines $/u,
      );
    const description = await client.workflow.getHandle(id).describe();
    expect(await description.staticSummary()).toBe(
      'meltano run options: --full-refresh --refresh-catalog --no-state-update --state-id-suffix sfx',
    );
    const attrs = Object.fromEntries(description.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    expect(attrs).toMatchObject({ MeltanoSchedule: 'opts', MeltanoJob: 'count' });
    // --no-state-update: no state saved under the suffixed id.
    const state = await execa(MELTANO, ['state', 'list'], {
      cwd: dir,
      reject: false,
      env: { MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false' },
    });
    expect(state.stdout).not.toContain('tap-count-to-target-lines:sfx');

    const bad = await cli(['schedule', 'run', 'opts', '--state-id-suffix', 'a b']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("--state-id-suffix 'a b' may hold only letters");
  });

  it('temporal workflow reset to the first workflow task re-runs our workflow from the start', async () => {
    const dir = pipelineProject(`- name: resettable
  interval: '@daily'
  job: count
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
    TAP_COUNT_MARK_FILE: __DIR__/marks.txt
`);
    const { cli } = await deploy(dir, {});
    const run = await cli(['schedule', 'run', 'resettable']);
    expect(run.exitCode, run.stderr).toBe(0);
    const id = /started (\S+)/u.exec(run.stderr)?.[1] ?? '';
    const first = await client.workflow.getHandle(id).describe();
    const reset = await execa(
      TEMPORAL,
      [
        'workflow',
        'reset',
        '--workflow-id',
        id,
        '--type',
        'FirstWorkflowTask',
        '--reason',
        'test',
        '--address',
        server.address,
        '--namespace',
        server.namespace,
      ],
      { reject: false },
    );
    expect(reset.exitCode, reset.stderr).toBe(0);
    const result = (await client.workflow.getHandle(id).result()) as JobRunResult;
    const second = await client.workflow.getHandle(id).describe();
    expect(second.runId).not.toBe(first.runId);
    expect(second.status.name).toBe('COMPLETED');
    expect(result.tasks.map((t) => t.exitCode)).toEqual([0, 0]);
    // Both tasks ran again in the new run.
    expect(lines(path.join(dir, 'marks.txt'))).toHaveLength(4);
  });

  it('notify test posts a test message; doctor checks each destination resolves without posting', async () => {
    const hook = await receiver();
    const dir = pipelineProject(`- name: alerts
  interval: '@daily'
  job: count
  annotations:
    temporal:
      notify:
        webhook: \${DAY2_WEBHOOK}
`);
    const env = { PATH: VENV_PATH, MELTANO_BIN: MELTANO };
    const sent = await ours(dir, ['notify', 'test', 'alerts'], { ...env, DAY2_WEBHOOK: hook.url });
    expect(sent.exitCode, sent.stderr).toBe(0);
    expect(sent.stdout).toBe("Sent a test message to webhook#1 of schedule 'alerts' (annotations).");
    expect(sent.stdout + sent.stderr).not.toContain(hook.url);
    expect(hook.delivered()[0]?.json).toMatchObject({ event: 'test', schedule: 'alerts', status: 'test' });

    const missing = await ours(dir, ['notify', 'test', 'alerts'], env);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('uses $DAY2_WEBHOOK, which is not set on this worker');

    const refused = await ours(dir, ['notify', 'test', 'alerts'], {
      ...env,
      DAY2_WEBHOOK: `http://127.0.0.1:${await freePort()}/x`,
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('connection refused (ECONNREFUSED)');

    const unknown = await ours(dir, ['notify', 'test', 'nope'], env);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("Schedule 'nope' was not found.");

    const before = hook.requests.length;
    const bad = await ours(dir, ['doctor', '--format=json', '--address', '127.0.0.1:1'], env);
    const badCheck = (
      JSON.parse(bad.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> }
    ).checks.find((c) => c.name === 'webhooks');
    expect(badCheck).toMatchObject({ ok: false });
    expect(badCheck?.detail).toContain("the notify webhook of schedule 'alerts' uses $DAY2_WEBHOOK");
    const good = await ours(dir, ['doctor', '--format=json', '--address', server.address], {
      ...env,
      TEMPORAL_NAMESPACE: server.namespace,
      DAY2_WEBHOOK: hook.url,
    });
    const goodCheck = (
      JSON.parse(good.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> }
    ).checks.find((c) => c.name === 'webhooks');
    expect(goodCheck).toEqual({
      name: 'webhooks',
      ok: true,
      detail: '1 schedule(s) notify; every destination resolves',
    });
    expect(good.stdout).not.toContain(hook.url);
    expect(hook.requests.length).toBe(before);
  });

  it('task logs: nothing for empty output; the worker prunes run logs older than --log-retention', async () => {
    const dir = pipelineProject(`- name: logs
  interval: '@daily'
  job: count
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
`);
    const logs = path.join(dir, '.meltano', 'logs', 'temporal');
    const old = path.join(logs, 'meltano_old-run');
    mkdirSync(old, { recursive: true });
    writeFileSync(path.join(old, 'task-1-attempt-1.log'), 'old\n');
    const t = (Date.now() - 3 * 86_400_000) / 1000;
    utimesSync(path.join(old, 'task-1-attempt-1.log'), t, t);
    const { worker } = await deploy(dir, {}, ['--log-retention', '2d']);
    await waitFor('the old run directory pruned', () => !existsSync(old), { timeoutMs: 10_000 });
    // The report is printed once the pass ends, a moment after the directory is gone.
    const pruned = 'task logs: removed 1 run directory older than 2d';
    await waitForOutput(worker, pruned, { timeoutMs: 10_000 });
    // A task that prints nothing leaves no log file and no directory (a silent stand-in for meltano).
    const silent = path.join(dir, 'silent-meltano');
    writeFileSync(silent, '#!/bin/sh\nexit 0\n');
    chmodSync(silent, 0o755);
    const quiet = await deploy(dir, { MELTANO_BIN: silent });
    await worker.stop();
    const run = await quiet.cli(['schedule', 'run', 'logs']);
    expect(run.exitCode, run.stderr).toBe(0);
    const id = /started (\S+)/u.exec(run.stderr)?.[1] ?? '';
    const result = (await client.workflow.getHandle(id).result()) as JobRunResult;
    expect(result.tasks.map((t) => [t.exitCode, t.logFile])).toEqual([
      [0, undefined],
      [0, undefined],
    ]);
    expect(existsSync(path.join(logs, id.replace(/[^A-Za-z0-9._-]+/gu, '_')))).toBe(false);
  });
});
