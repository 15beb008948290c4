/**
 * Notifications never wait for a `meltano` slot: a real worker with
 * `--max-concurrent-tasks 1` whose only slot is taken by a long task (queued
 * behind a failing run's task) still delivers the failing run's alert to a
 * real HTTP receiver while the long task runs: `notifyRun` is a local
 * activity, outside the task slots. The webhook URL is not in the history.
 * Real dev server, real worker process; `meltano` is a stand-in that records
 * its runs, fails `noop:fail` when told to and holds `noop:slow` until released.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject, writeScript } from '../helpers/project.js';
import { sharedServer } from '../helpers/temporal.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { meltanoJob } from '../../workflows/index.js';
import { waitFor } from '../helpers/wait.js';

const server = sharedServer();
let client: Client;
let worker: WorkerProcess | undefined;
let hook: WebhookReceiver;
let dir: string;

beforeAll(async () => {
  client = await server.client();
  hook = await startWebhookReceiver();
  dir = makeProject({
    'meltano.yml': `plugins:
  utilities:
  - name: noop
    namespace: noop
jobs:
- name: slow
  tasks:
  - noop:slow
- name: failing
  tasks:
  - noop:fail
schedules:
- name: long
  interval: '@daily'
  job: slow
- name: nightly
  interval: '@daily'
  job: failing
  annotations:
    temporal:
      attempts: 1
      notify:
        webhook: \${SLOTS_WEBHOOK}
        on: [failure]
`,
  });
  writeScript(
    dir,
    `#!/bin/sh
echo "start $*" >> '${dir}/runs.txt'
case "$*" in
  *noop:slow*) while [ ! -e '${dir}/release' ]; do sleep 0.1; done ;;
  *noop:fail*) while [ ! -e '${dir}/fail-now' ]; do sleep 0.1; done; echo "end $*" >> '${dir}/runs.txt'; exit 1 ;;
esac
echo "end $*" >> '${dir}/runs.txt'
`,
  );
  writeFileSync(path.join(dir, 'runs.txt'), '');
}, 120_000);

afterAll(async () => {
  if (dir) writeFileSync(path.join(dir, 'release'), '');
  await worker?.stop('SIGKILL');
  await hook?.close();
});

const runs = (): string => readFileSync(path.join(dir, 'runs.txt'), 'utf8');

/** The history as JSON plus every payload decoded (`fetchHistory` gives payload bytes base64-encoded, under `data`). */
function historyText(events: unknown[]): { text: string; payloads: string[] } {
  const payloads: string[] = [];
  const json = JSON.stringify(events, (key, value: unknown) => {
    if (key === 'data' && typeof value === 'string') payloads.push(Buffer.from(value, 'base64').toString('utf8'));
    return value;
  });
  return { text: [json, ...payloads].join('\n'), payloads };
}

describe('notifications and task slots', () => {
  it("a worker whose only task slot runs a long task still delivers another run's failure alert", async () => {
    const queue = `notify-slots-${process.pid}`;
    worker = startWorker(dir, server.env, queue, {
      MELTANO_TEMPORAL_MAX: '1',
      MELTANO_BIN: path.join(dir, 'meltano-stand-in'),
      SLOTS_WEBHOOK: hook.url,
    });
    await worker.ready;
    // The failing run takes the slot first; the long run's task queues behind it.
    const failing = await client.workflow.start(meltanoJob, {
      taskQueue: queue,
      workflowId: `${queue}-failing`,
      args: [{ projectRoot: dir, schedule: 'nightly' }],
    });
    await waitFor('the failing task to start', async () => (runs().includes('noop:fail') ? true : undefined));
    const long = await client.workflow.start(meltanoJob, {
      taskQueue: queue,
      workflowId: `${queue}-long`,
      args: [{ projectRoot: dir, schedule: 'long' }],
    });
    await waitFor('the long run to queue its task', async () => {
      const pending = (await long.describe()).raw.pendingActivities ?? [];
      return pending.some((p) => p.activityType?.name === 'runMeltanoTask') ? true : undefined;
    });

    // The failing task ends; the slot goes to the long task, which holds it until released.
    writeFileSync(path.join(dir, 'fail-now'), '');
    await waitFor('the long task to start', async () => (/^start .*noop:slow$/mu.test(runs()) ? true : undefined));
    // (Sent by an activity, the alert would wait for the slot, and the failing run with it.)
    const [alert] = await hook.waitFor(1, 30_000);
    expect(alert?.json).toMatchObject({ event: 'failure', schedule: 'nightly', workflowId: failing.workflowId });
    // Delivered while the only slot was still busy with the long task.
    expect(existsSync(path.join(dir, 'release'))).toBe(false);
    expect(runs()).not.toMatch(/^end .*noop:slow$/mu);
    expect((await long.describe()).status.name).toBe('RUNNING');
    await expect(failing.result()).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/^Task 1\/1 'noop:fail' of job 'failing' failed/u) as unknown },
    });

    // Sent by a local activity (a marker, no activity task), and the webhook URL is nowhere in the history.
    const events = (await failing.fetchHistory()).events ?? [];
    const scheduled = events.flatMap((e) => {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
      return name ? [name] : [];
    });
    expect(scheduled).toEqual(['runMeltanoTask']);
    const markers = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(markers).toHaveLength(2); // resolveJob, notifyRun
    const { text, payloads } = historyText(events);
    expect(payloads).toContain('{"sent":"failure","deliveries":[{"destination":"webhook#1","event":"failure"}]}'); // the marker's result, decoded: the search below reads payloads
    expect(text).not.toContain(hook.url);
    expect(text).not.toContain('secret-token');

    writeFileSync(path.join(dir, 'release'), '');
    await long.result();
  }, 180_000);
});
