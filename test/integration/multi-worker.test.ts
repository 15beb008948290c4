/**
 * Several workers on one task queue with Meltano's system database in
 * PostgreSQL (state and run lock shared), and `doctor` on a healthy setup and
 * on each failure it claims to detect. Real dev server, real PostgreSQL.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pipelineProject } from '../helpers/pipeline.js';
import { sharedServer } from '../helpers/temporal.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { type WorkerProcess, workersOfFile } from '../helpers/worker.js';
import { MELTANO, REPO_ROOT, VENV_PATH, ours } from '../helpers/run.js';
import type { JobRunResult } from '../../workflows/types.js';

const server = sharedServer();
// A namespace where `sync` never ran: none of our search attributes.
const bare = sharedServer({ searchAttributes: false });
let client: Client;
let dir: string;
const workers = workersOfFile();
const DB = `meltano_system_${process.pid}`;
const SYSTEM_DB = `postgresql+psycopg://meltano:meltano@127.0.0.1:5432/${DB}`;

beforeAll(async () => {
  await execa('bash', [path.join(REPO_ROOT, 'scripts', 'databases.sh'), 'start'], { stdio: 'inherit' });
  await execa(
    'psql',
    [
      '-h',
      '127.0.0.1',
      '-U',
      'meltano',
      '-d',
      'postgres',
      '-c',
      `DROP DATABASE IF EXISTS ${DB}`,
      '-c',
      `CREATE DATABASE ${DB}`,
    ],
    { env: { PGPASSWORD: 'meltano' } },
  );
  client = await server.client();
  dir = pipelineProject(
    `- name: a
  interval: '@daily'
  job: ja
  env:
    TARGET_LINES_FILE: __DIR__/a.jsonl
    TAP_COUNT_MARK_FILE: __DIR__/a-marks.txt
  annotations:
    temporal:
      heartbeat_timeout: 30s
      backoff: 1s
- name: b
  interval: '@daily'
  job: jb
  env:
    TARGET_LINES_FILE: __DIR__/b.jsonl
`,
    `- name: ja
  tasks:
  - tap-count target-lines
- name: jb
  tasks:
  - tap-count-b target-lines
`,
  );
});

function worker(queue: string, env: Record<string, string>): WorkerProcess {
  return workers.start(dir, server.env, queue, env);
}

const doctor = (queue: string, env: Record<string, string> = {}) =>
  ours(dir, ['doctor', '--task-queue', queue], {
    ...server.env,
    MELTANO_BIN: MELTANO,
    PATH: VENV_PATH,
    ...env,
  });

const numbers = (file: string): number[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { n: number }).n);

describe('several workers, shared system database', () => {
  const queue = 'shared';
  const env = { MELTANO_DATABASE_URI: SYSTEM_DB, TAP_COUNT_SLEEP: '6', MELTANO_TEMPORAL_MAX: '1' };

  it('runs spread over both workers; doctor is all green', async () => {
    const w1 = worker(queue, env);
    const w2 = worker(queue, env);
    await Promise.all([w1.ready, w2.ready]);
    // One task at a time per worker (the CLI flag), two runs at once: each worker takes one.
    const [ha, hb] = await Promise.all([
      client.workflow.start('meltanoJob', {
        taskQueue: queue,
        workflowId: `spread-a-${Date.now()}`,
        args: [{ projectRoot: dir, schedule: 'a' }],
      }),
      client.workflow.start('meltanoJob', {
        taskQueue: queue,
        workflowId: `spread-b-${Date.now()}`,
        args: [{ projectRoot: dir, schedule: 'b' }],
      }),
    ]);
    await Promise.all([ha.result(), hb.result()]);
    const ran = [w1, w2].map((w) => (w.output().match(/meltano task starting/gu) ?? []).length);
    expect(ran.every((n) => n >= 1)).toBe(true);
    const d = await doctor(queue, { MELTANO_DATABASE_URI: SYSTEM_DB });
    expect(d.stdout).toMatch(/✓ workers: 2 polling task queue 'shared'/u);
    expect(d.stdout).toMatch(/✓ system database: shared/u);
    expect(d.stdout).toMatch(/✓ meltano: .*meltano, version 4\.4\.1/u);
    expect(d.exitCode).toBe(0);
  }, 180_000);

  it('a worker killed mid-task: the other finishes it, state is shared, no duplicate rows', async () => {
    const pair = workers.list.slice(-2);
    const starts = (w: WorkerProcess): number =>
      (w.output().match(/\[tap-count target-lines #1\] meltano task starting/gu) ?? []).length;
    const before = pair.map(starts);
    const handle = await client.workflow.start('meltanoJob', {
      taskQueue: queue,
      workflowId: `kill-${Date.now()}`,
      args: [{ projectRoot: dir, schedule: 'a' }],
    });
    // The worker that took this run is the one with one more start than before.
    const victim = await waitFor('a worker to start the run of a', () =>
      pair.find((w, i) => starts(w) > (before[i] ?? 0)),
    );
    await sleep(2000);
    await victim.stop('SIGKILL');
    const result = (await handle.result()) as JobRunResult;
    expect(result.tasks[0]?.attempt).toBe(2);
    // First run loaded 1..3; the second resumed from the shared bookmark: 4..6, each once.
    expect(numbers(path.join(dir, 'a.jsonl'))).toEqual([1, 2, 3, 4, 5, 6]);
  }, 240_000);
});

describe('doctor detects', () => {
  it('no worker on the task queue', async () => {
    const d = await doctor('nobody-here');
    expect(d.exitCode).toBe(1);
    expect(d.stdout).toMatch(
      /✗ workers: nobody polls task queue 'nobody-here'[^\n]*\n\s+fix: start one: meltano-temporal worker/u,
    );
  });

  it('several workers with local SQLite system databases (and the worker warns)', async () => {
    const queue = 'sqlite-pair';
    const w1 = worker(queue, {});
    const w2 = worker(queue, {});
    await Promise.all([w1.ready, w2.ready]);
    const d = await doctor(queue);
    expect(d.exitCode).toBe(1);
    expect(d.stdout).toMatch(
      /✗ system database: 2 workers poll 'sqlite-pair' but the system database is SQLite \(Meltano's default, \.meltano\/meltano\.db\)/u,
    );
    await waitFor('a worker to warn', () => (w1.output() + w2.output()).includes('WARNING'), { timeoutMs: 20_000 });
    expect(w1.output() + w2.output()).toMatch(
      /WARNING: 2 workers poll 'sqlite-pair' but this one uses a local SQLite system database/u,
    );
  }, 60_000);

  it('missing search attributes, an unreachable server, a schedule whose job is missing, a missing meltano', async () => {
    const d = await ours(dir, ['doctor'], { ...bare.env, MELTANO_BIN: MELTANO });
    expect(d.stdout).toMatch(
      /✗ search attributes: missing MeltanoProject, MeltanoSchedule, MeltanoJob, MeltanoEnvironment/u,
    );
    const ns = await ours(dir, ['doctor'], {
      TEMPORAL_ADDRESS: bare.address,
      TEMPORAL_NAMESPACE: 'no-such-namespace',
      MELTANO_BIN: MELTANO,
    });
    expect(ns.stdout).toMatch(
      /✗ namespace: no-such-namespace: [^\n]*\n\s+fix: create it \(temporal operator namespace create --namespace no-such-namespace\)/u,
    );
    const down = await ours(dir, ['doctor'], { TEMPORAL_ADDRESS: '127.0.0.1:1', MELTANO_BIN: MELTANO });
    expect(down.stdout).toMatch(/✗ server: Cannot reach the Temporal server at 127\.0\.0\.1:1/u);
    const broken = pipelineProject(`- name: orphan\n  interval: '@daily'\n  job: nope\n`);
    const b = await ours(broken, ['doctor'], { TEMPORAL_ADDRESS: '127.0.0.1:1', MELTANO_BIN: MELTANO });
    expect(b.stdout).toMatch(/✗ schedules: meltano\.yml: schedule 'orphan': Job 'nope' was not found\./u);
    // A fresh project (no .meltano/run/bin shim) and no meltano on PATH.
    const noMeltano = await ours(pipelineProject(''), ['doctor'], {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      PATH: '/usr/bin:/bin',
    });
    expect(noMeltano.stdout).toMatch(/✗ meltano: not found/u);
    expect(noMeltano.exitCode).toBe(1);
  }, 300_000); // five doctor runs; each doctor runs `meltano --version`, slow on a loaded host
});
