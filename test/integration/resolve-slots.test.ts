/**
 * Resolution never waits for a `meltano` slot: a real worker with
 * `--max-concurrent-tasks 1` whose only slot is held by a long task still
 * resolves the next run's job (a local activity, outside the task slots) and
 * schedules its task, which then waits for the slot. A run costs one
 * activity task per task and one workflow task more than it has tasks. Real dev server, real worker process;
 * `meltano` is a stand-in that records its runs and holds `noop:slow` until
 * released.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject, writeScript } from '../helpers/project.js';
import { sharedServer } from '../helpers/temporal.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { taskRecords } from '../../src/temporal/run-logs.js';
import { meltanoJob } from '../../workflows/index.js';
import { waitFor } from '../helpers/wait.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const server = sharedServer();
let client: Client;
let worker: WorkerProcess | undefined;
let dir: string;

beforeAll(async () => {
  client = await server.client();
  dir = makeProject({
    'meltano.yml': `plugins:
  utilities:
  - name: noop
    namespace: noop
jobs:
- name: slow
  tasks:
  - noop:slow
  - noop:after
- name: quick
  tasks:
  - noop:quick
`,
  });
  writeScript(
    dir,
    `#!/bin/sh
echo "start $*" >> '${dir}/runs.txt'
case "$*" in *noop:slow*) while [ ! -e '${dir}/release' ]; do sleep 0.1; done ;; esac
echo "end $*" >> '${dir}/runs.txt'
`,
  );
  writeFileSync(path.join(dir, 'runs.txt'), '');
}, 120_000);

afterAll(async () => {
  writeFileSync(path.join(dir, 'release'), '');
  await worker?.stop('SIGKILL');
});

const runs = (): string => readFileSync(path.join(dir, 'runs.txt'), 'utf8');

const activityNames = (events: HistoryEvent[]): string[] =>
  events.flatMap((e) => {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    return name ? [name] : [];
  });
const localActivityMarkers = (events: HistoryEvent[]): number =>
  events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length;
const workflowTasks = (events: HistoryEvent[]): number =>
  events.filter((e) => e.workflowTaskCompletedEventAttributes).length;

describe('job resolution and task slots', () => {
  it('a worker whose only task slot runs a long task still resolves the next run and schedules its task', async () => {
    const queue = `slots-${process.pid}`;
    worker = startWorker(dir, server.env, queue, {
      MELTANO_TEMPORAL_MAX: '1',
      MELTANO_BIN: path.join(dir, 'meltano-stand-in'),
    });
    await worker.ready;
    const slow = await client.workflow.start(meltanoJob, {
      taskQueue: queue,
      workflowId: `${queue}-slow`,
      args: [{ projectRoot: dir, job: 'slow' }],
    });
    await waitFor('the slow task to start', async () => (runs().includes('start run') ? true : undefined));

    const quick = await client.workflow.start(meltanoJob, {
      taskQueue: queue,
      workflowId: `${queue}-quick`,
      args: [{ projectRoot: dir, job: 'quick' }],
    });
    // Resolved and its task scheduled while the slot is still held by the slow task.
    const events = await waitFor('the quick run to schedule its task', async () => {
      const history = await quick.fetchHistory();
      const all = history.events ?? [];
      return activityNames(all).includes('runMeltanoTask') ? all : undefined;
    });
    expect(activityNames(events)).toEqual(['runMeltanoTask']);
    expect(localActivityMarkers(events)).toBe(1);
    const pending = (await quick.describe()).raw.pendingActivities ?? [];
    expect(pending.map((p) => [p.activityType?.name, String(p.state)])).toEqual([['runMeltanoTask', '1']]); // 1: SCHEDULED
    expect(runs()).not.toContain('noop:quick');
    expect(runs()).not.toContain('end');
    // `runs logs` reads the job from the local activity's marker: the slow run's second task is known before it is scheduled.
    expect((await taskRecords(client, slow.workflowId)).map((r) => [r.task, r.text])).toEqual([
      [1, 'noop:slow'],
      [2, 'noop:after'],
    ]);

    writeFileSync(path.join(dir, 'release'), '');
    await slow.result();
    const result = await quick.result();
    expect(result.tasks.map((t) => [t.args, t.exitCode])).toEqual([[['noop:quick'], 0]]);
    const lines = runs().split('\n').filter(Boolean);
    expect(lines.slice(0, 2)).toEqual([
      expect.stringMatching(/^start run --run-id \S+ noop:slow$/u),
      expect.stringMatching(/^end run --run-id \S+ noop:slow$/u),
    ]);
    expect(lines.filter((l) => l.startsWith('end')).map((l) => l.split(' ').at(-1))).toEqual(
      expect.arrayContaining(['noop:quick', 'noop:after']),
    );
    // What a run costs the server: one activity task per task, one workflow task more than tasks.
    const quickEvents = (await quick.fetchHistory()).events ?? [];
    expect(activityNames(quickEvents)).toEqual(['runMeltanoTask']);
    expect(workflowTasks(quickEvents)).toBe(2);
    const slowEvents = (await slow.fetchHistory()).events ?? [];
    expect(activityNames(slowEvents)).toEqual(['runMeltanoTask', 'runMeltanoTask']);
    expect(workflowTasks(slowEvents)).toBe(3);
  }, 180_000);
});
