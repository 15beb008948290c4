/**
 * Pools (`annotations.temporal.pool`): five schedules in a pool of two, run by two real worker processes,
 * one SIGKILLed mid-task. Never more than two tasks at once (the stand-in's stamps), waiting runs say what
 * they wait for (`runs`, the UI's current details), the killed worker's run gets its task back after the
 * heartbeat timeout and every run completes once. Also: sync writes the pool and its size into the
 * schedules (and refuses a pool without a size, changing nothing); a run that ends without releasing its slot
 * (terminated) loses it. Real dev server, real worker processes, a stand-in `meltano`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject, snapshotYaml, writeScript } from '../helpers/project.js';
import { sharedServer } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';
import { type WorkerProcess, workersOfFile } from '../helpers/worker.js';
import { ours } from '../helpers/run.js';
import { meltanoJob } from '../../workflows/index.js';
import { poolStateQuery, progressQuery } from '../../workflows/contract.js';
import { poolWorkflowId } from '../../workflows/pool-types.js';
import type { JobRunInput } from '../../workflows/types.js';

const server = sharedServer();
const queue = `pools-${process.pid}`;
const project = `pools-${process.pid}`;
let client: Client;
let dir: string;
const workers = workersOfFile();
const NAMES = ['s1', 's2', 's3', 's4', 's5'];

const yml = (size: unknown): string => `project_id: 5c1f9a52-3e0b-4c1e-9d7a-2b6f0e8c4a11
annotations:
  temporal:
    pools:
      warehouse: ${JSON.stringify(size)}
plugins:
  utilities:
  - name: noop
    namespace: noop
jobs:
- name: load
  tasks:
  - noop:work
  annotations:
    temporal:
      pool: warehouse
- name: plain
  tasks:
  - noop:plain
schedules:
${NAMES.map(
  (n, i) => `- name: ${n}
  interval: '@daily'
  job: ${i % 2 ? 'load' : 'plain'}
  env:
    STAMP_NAME: ${n}
  annotations:
    temporal:
      heartbeat_timeout: 30s
      backoff: 1s
${i % 2 ? '' : '      pool: warehouse\n'}`,
).join('')}`;

beforeAll(async () => {
  client = await server.client();
  dir = makeProject({ 'meltano.yml': yml(2) });
  const stamps = path.join(dir, 'stamps.txt');
  // Stamps its start, a tick every 0.2 s (its output goes to the worker: a dead worker's pipe ends it), its end.
  writeScript(
    dir,
    `#!/bin/sh
echo "start $STAMP_NAME $(date +%s%3N)" >> '${stamps}'
i=0
while [ $i -lt 20 ]; do
  echo "tick $STAMP_NAME $(date +%s%3N)" >> '${stamps}'
  echo "working $i"
  sleep 0.2
  i=$((i+1))
done
echo "end $STAMP_NAME $(date +%s%3N)" >> '${stamps}'
`,
  );
  writeFileSync(stamps, '');
}, 60_000);

const env = (): Record<string, string> => ({ ...server.env, MELTANO_TEMPORAL_PROJECT: project });

function worker(): WorkerProcess {
  return workers.start(dir, env(), queue, { MELTANO_BIN: path.join(dir, 'meltano-stand-in') });
}

type Stamp = { kind: string; name: string; at: number };
const stamps = (): Stamp[] =>
  readFileSync(path.join(dir, 'stamps.txt'), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [kind = '', name = '', at = '0'] = l.split(' ');
      return { kind, name, at: Number(at) };
    });

/** Each task process as [start, its last tick or its end]: a killed one ends at its last tick. */
function intervals(all: Stamp[]): Array<{ name: string; from: number; to: number; ended: boolean }> {
  const out: Array<{ name: string; from: number; to: number; ended: boolean }> = [];
  const open = new Map<string, { name: string; from: number; to: number; ended: boolean }>();
  for (const s of all) {
    if (s.kind === 'start') {
      const prior = open.get(s.name);
      if (prior) out.push(prior);
      open.set(s.name, { name: s.name, from: s.at, to: s.at, ended: false });
    } else {
      const cur = open.get(s.name);
      if (!cur) continue;
      cur.to = s.at;
      if (s.kind === 'end') {
        cur.ended = true;
        out.push(cur);
        open.delete(s.name);
      }
    }
  }
  return [...out, ...open.values()];
}

/** The most task processes alive at one moment. */
function maxAtOnce(list: Array<{ from: number; to: number }>): number {
  const edges = list.flatMap((i) => [
    { at: i.from, d: 1 },
    { at: i.to, d: -1 },
  ]);
  // At equal times, an end before a start: a hand-over is not an overlap.
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const e of edges) {
    now += e.d;
    most = Math.max(most, now);
  }
  return most;
}

/** A run of a schedule with the schedule action's own input and attributes, as `schedule run` starts one. */
async function startFromSchedule(name: string, suffix: string): Promise<WorkflowHandle<typeof meltanoJob>> {
  const d = await client.schedule.getHandle(`meltano:${project}:default:${name}`).describe();
  if (d.action.type !== 'startWorkflow') throw new Error('not a startWorkflow action');
  return client.workflow.start(meltanoJob, {
    taskQueue: queue,
    workflowId: `${d.action.workflowId}-${suffix}`,
    args: d.action.args as [JobRunInput],
    ...(d.action.typedSearchAttributes ? { typedSearchAttributes: d.action.typedSearchAttributes } : {}),
  });
}

describe('pools', () => {
  it('sync refuses a pool without a size and changes nothing; with sizes it writes the pool into each schedule', async () => {
    writeFileSync(path.join(dir, 'meltano.yml'), yml(2).replace('warehouse: 2', 'other: 2'));
    const before = snapshotYaml(dir);
    const refused = await ours(dir, ['sync', '--task-queue', queue], env());
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      /meltano\.yml: (schedule 's1'|job 'load') annotations\.temporal\.pool: names pool 'warehouse', which has no size/u,
    );
    expect(refused.stderr).toContain('annotations: {temporal: {pools: {warehouse: 1}}}');
    expect(snapshotYaml(dir)).toEqual(before);
    await expect(client.schedule.getHandle(`meltano:${project}:default:s1`).describe()).rejects.toThrow(/not found/iu);

    writeFileSync(path.join(dir, 'meltano.yml'), yml(2));
    const synced = await ours(dir, ['sync', '--task-queue', queue], env());
    expect(synced.exitCode, synced.stderr).toBe(0);
    for (const name of NAMES) {
      const d = await client.schedule.getHandle(`meltano:${project}:default:${name}`).describe();
      expect(d.action.type === 'startWorkflow' && d.action.args?.[0]).toEqual({
        project,
        schedule: name,
        pool: { name: 'warehouse', size: 2 },
      });
    }
  }, 120_000);

  it('five runs in a pool of two on two workers, one killed mid-task: never more than two at once, each completes once', async () => {
    const [w1, w2] = [worker(), worker()];
    await Promise.all([w1.ready, w2.ready]);
    const handles: Array<WorkflowHandle<typeof meltanoJob>> = [];
    for (const name of NAMES) handles.push(await startFromSchedule(name, 'kill'));

    // Two run; the others wait and say so, in the UI's current details and in `runs`.
    await waitFor('two tasks to start', () => stamps().filter((s) => s.kind === 'start').length >= 2 || undefined);
    const waiting = await waitFor('a run to report its wait', async () => {
      for (const h of handles) {
        const progress = await h.query(progressQuery);
        if (progress?.waiting) return { h, text: progress.waiting };
      }
      return undefined;
    });
    expect(waiting.text).toBe('waiting for pool warehouse (2/2 busy)');
    const meta = await waiting.h.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toContain('waiting for pool warehouse (2/2 busy)');
    const listed = await waitFor('runs to show the wait', async () => {
      const r = await ours(dir, ['runs', '--format=json', '--limit', '20'], env());
      const rows = (JSON.parse(r.stdout) as { runs: Array<{ workflowId: string; waiting: string | null }> }).runs;
      return rows.some((row) => row.waiting) ? rows : undefined;
    });
    expect(listed.filter((r) => r.waiting).every((r) => r.waiting === 'waiting for pool warehouse (2/2 busy)')).toBe(
      true,
    );

    // Kill the worker that runs a task (the first that logged one), mid-task.
    const victim = await waitFor('a worker to run a task', () =>
      [w1, w2].find((w) => w.output().includes('meltano task starting')),
    );
    await victim.stop('SIGKILL');
    const killedAt = Date.now();

    const results = await Promise.all(handles.map((h) => h.result()));
    const all = stamps();
    expect(maxAtOnce(intervals(all))).toBeLessThanOrEqual(2);
    // Each schedule's task ended exactly once; the killed one was retried (attempt 2) on the other worker.
    for (const name of NAMES)
      expect(all.filter((s) => s.kind === 'end' && s.name === name).length, `${name} ended once`).toBe(1);
    // The tasks the killed worker ran (one or both) were retried (attempt 2) on the other worker once their
    // heartbeat timeout (30 s) passed: their runs kept their slots meanwhile, and nothing else ran beside them.
    const killed = intervals(all).filter((i) => !i.ended);
    expect(killed.length).toBeGreaterThanOrEqual(1);
    expect(results.filter((r) => (r.tasks[0]?.attempt ?? 0) > 1)).toHaveLength(killed.length);
    for (const k of killed) {
      const retry = all.find((s) => s.kind === 'start' && s.name === k.name && s.at > k.to);
      expect(retry, `${k.name} started again`).toBeDefined();
      expect((retry?.at ?? 0) - killedAt).toBeGreaterThan(0);
    }
    // The pool is empty again: nobody holds or waits (it may have ended).
    const pool = client.workflow.getHandle(poolWorkflowId(project, undefined, 'warehouse'));
    await waitFor('the pool to be empty', async () => {
      const d = await pool.describe();
      if (d.status.name !== 'RUNNING') return true;
      const state = await pool.query(poolStateQuery);
      return state.holders.length === 0 && state.waiting.length === 0 ? true : undefined;
    });
  }, 300_000);

  it('a holder terminated without releasing loses its slot; a cancelled waiter gives up its place', async () => {
    writeFileSync(path.join(dir, 'meltano.yml'), yml(1));
    const synced = await ours(dir, ['sync', '--task-queue', queue], env());
    expect(synced.exitCode, synced.stderr).toBe(0);
    if (!workers.list.some((w) => w.exitCode() === null)) await worker().ready;
    writeFileSync(path.join(dir, 'stamps.txt'), '');
    const holder = await startFromSchedule('s1', 'term');
    await waitFor(
      's1 to start its task',
      () => stamps().some((s) => s.kind === 'start' && s.name === 's1') || undefined,
    );
    const cancelled = await startFromSchedule('s2', 'cancel');
    const next = await startFromSchedule('s3', 'term');
    await waitFor('s3 to wait', async () => ((await next.query(progressQuery))?.waiting ? true : undefined));
    expect((await next.query(progressQuery))?.waiting).toBe('waiting for pool warehouse (1/1 busy)');
    await cancelled.cancel();
    await expect(cancelled.result()).rejects.toThrow();
    await holder.terminate('test: a run that ends without giving its slot back');
    const result = await next.result();
    expect(result.tasks.map((t) => t.exitCode)).toEqual([0]);
    expect(stamps().some((s) => s.name === 's2')).toBe(false);
  }, 180_000);
});
