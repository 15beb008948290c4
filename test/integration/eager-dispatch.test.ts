/**
 * Eager activity dispatch really happens on our worker: with the default 4
 * task slots (and so one activity poller) every task of a run is handed to the
 * worker with the workflow task's completion, by the worker's own metric
 * (`temporal_activity_task_received{eager="true"}`, counted by Core when it
 * receives an activity task). With `--max-concurrent-tasks 1` the one slot is
 * held by the poll, so no task is eager and every one comes through the task
 * queue, as worker-tuning.ts says; so with `--activity-pollers 4` on 4 slots. Real dev server (eager is on by default in
 * it), real worker processes, a stand-in `meltano`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import path from 'node:path';
import { makeProject, writeScript } from '../helpers/project.js';
import { sharedServer } from '../helpers/temporal.js';
import { workersOfFile } from '../helpers/worker.js';
import { freePort } from '../../src/temporal/dev-server.js';
import { eagerPossible } from '../../src/temporal/worker-tuning.js';
import { meltanoJob } from '../../workflows/index.js';

const server = sharedServer();
let client: Client;
let dir: string;
const workers = workersOfFile();

beforeAll(async () => {
  client = await server.client();
  dir = makeProject({
    'meltano.yml': `plugins:
  utilities:
  - name: noop
    namespace: noop
jobs:
- name: three
  tasks:
  - noop:a
  - noop:b
  - noop:c
`,
  });
  writeScript(dir, '#!/bin/sh\nexit 0\n');
}, 120_000);

/** Activity tasks the worker received, by its Prometheus endpoint: eager and through the queue. */
async function received(metrics: string): Promise<{ eager: number; queued: number }> {
  const text = await (await fetch(`http://${metrics}/metrics`)).text();
  const count = (eager: boolean): number =>
    text
      .split('\n')
      .filter((l) => l.startsWith('temporal_activity_task_received{') && l.includes(`eager="${eager}"`))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return { eager: count(true), queued: count(false) };
}

async function runJobOn(slots: number, pollers?: number): Promise<{ eager: number; queued: number }> {
  const queue = `eager-${slots}-${pollers ?? 'default'}-${process.pid}`;
  const metrics = `127.0.0.1:${await freePort()}`;
  const worker = workers.start(
    dir,
    server.env,
    queue,
    { MELTANO_TEMPORAL_MAX: String(slots), MELTANO_BIN: path.join(dir, 'meltano-stand-in') },
    ['--metrics', metrics, ...(pollers ? ['--activity-pollers', String(pollers)] : [])],
  );
  await worker.ready;
  const result = await client.workflow.execute(meltanoJob, {
    taskQueue: queue,
    workflowId: `${queue}-run`,
    args: [{ projectRoot: dir, job: 'three' }],
  });
  expect(result.tasks.map((t) => t.exitCode)).toEqual([0, 0, 0]);
  return received(metrics);
}

describe('eager activity dispatch', () => {
  it('with 4 task slots, every task of a run reaches the worker with the workflow task (no task queue)', async () => {
    expect(eagerPossible(4)).toBe(true);
    expect(await runJobOn(4)).toEqual({ eager: 3, queued: 0 });
  }, 180_000);

  it('with --max-concurrent-tasks 1 no slot is free for it: every task comes through the task queue', async () => {
    expect(eagerPossible(1)).toBe(false);
    expect(await runJobOn(1)).toEqual({ eager: 0, queued: 3 });
  }, 180_000);

  it('with --activity-pollers 4 on 4 slots (one poll per slot, as before issue 27) none is eager either', async () => {
    expect(eagerPossible(4, 4)).toBe(false);
    expect(await runJobOn(4, 4)).toEqual({ eager: 0, queued: 3 });
  }, 180_000);
});
