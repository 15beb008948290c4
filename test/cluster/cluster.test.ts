/**
 * The production path, on this host: the real Temporal server built from Go
 * modules (deploy/cluster.sh), four server processes on PostgreSQL, mutual
 * TLS everywhere, two of our workers with Meltano's system database in
 * PostgreSQL, a schedule that fires on its own every minute. beforeAll starts
 * the cluster itself (building it on a fresh machine) and fails when it cannot.
 *
 * The tests run in order and share the schedule's runs (cron every minute: each
 * waits at most about a minute for the next one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, type WorkflowExecutionInfo } from '@temporalio/client';
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipelineProject } from '../helpers/pipeline.js';
import { MELTANO, REPO_ROOT, TEMPORAL, VENV_BIN, ours, requireFile } from '../helpers/run.js';
import { sleep, waitFor as waitUntil } from '../helpers/wait.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { CLUSTER_DIR, UI_PORT, clusterCommand, clusterEnv, clusterPid, startCluster } from './cluster.js';
import type { JobRunResult } from '../../workflows/types.js';

const KEY = `cluster-${process.pid}`;
const QUEUE = `cluster-${process.pid}`;
const SCHEDULE = 'every-minute';
const SCHEDULE_ID = `meltano:${KEY}:dev:${SCHEDULE}`;
const SYSTEM_DB = `meltano_cluster_${process.pid}`;
const SYSTEM_DB_URI = `postgresql+psycopg://meltano:meltano@127.0.0.1:5432/${SYSTEM_DB}`;
const ROWS_PER_RUN = 6; // the job runs `tap-count target-lines` twice, 3 rows each, from the shared bookmark on

let env: Record<string, string>;
let dir: string;
let client: Client;
let startedHere = false;
const workers: WorkerProcess[] = [];

const ourEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  ...env,
  MELTANO_BIN: MELTANO,
  PATH: `${VENV_BIN}:${process.env.PATH ?? ''}`,
  MELTANO_TEMPORAL_PROJECT: KEY,
  MELTANO_TEMPORAL_TASK_QUEUE: QUEUE,
  MELTANO_DATABASE_URI: SYSTEM_DB_URI,
  ...extra,
});

/** Without any TEMPORAL_TLS_* from `env` (the variables `ours` passes are added to the test's own). */
const withoutTls = (extra: Record<string, string>): Record<string, string> => {
  const e = ourEnv(extra);
  for (const k of Object.keys(e)) if (k.startsWith('TEMPORAL_TLS_') && !(k in extra)) e[k] = '';
  return e;
};

async function psql(sql: string): Promise<void> {
  await execa('psql', ['-h', '127.0.0.1', '-U', 'meltano', '-d', 'postgres', '-qc', sql], {
    env: { PGPASSWORD: 'meltano' },
  });
}

const numbers = (): number[] => {
  const file = path.join(dir, 'out.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { n: number }).n);
};

async function runs(): Promise<WorkflowExecutionInfo[]> {
  const out: WorkflowExecutionInfo[] = [];
  for await (const w of client.workflow.list({ query: `TemporalScheduledById="${SCHEDULE_ID}"` })) out.push(w);
  return out;
}

/** Poll once a second (each probe lists runs on the cluster); on timeout, show what the workers said. */
const waitFor = <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) =>
  waitUntil(what, probe, {
    timeoutMs,
    intervalMs: 1000,
    detail: () => workers.map((w, i) => `--- worker ${i + 1}\n${w.output().slice(-3000)}`).join('\n'),
  });

const taskStarts = (w: WorkerProcess): number => (w.output().match(/meltano task starting/gu) ?? []).length;

beforeAll(async () => {
  requireFile(TEMPORAL);
  requireFile(MELTANO);
  startedHere = (await clusterCommand('status')).exitCode !== 0;
  await startCluster();
  env = await clusterEnv();
  await execa('bash', [path.join(REPO_ROOT, 'scripts', 'databases.sh'), 'start'], { stdio: 'inherit' });
  await psql(`DROP DATABASE IF EXISTS ${SYSTEM_DB}`);
  await psql(`CREATE DATABASE ${SYSTEM_DB}`);
  dir = pipelineProject(
    `- name: ${SCHEDULE}
  interval: '* * * * *'
  job: count
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
    TAP_COUNT_SLEEP: '4'
  annotations:
    temporal:
      heartbeat_timeout: 30s
      backoff: 1s
`,
  );
  client = new Client({
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    connection: await Connection.connect({
      address: env.TEMPORAL_ADDRESS ?? '',
      tls: {
        serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME ?? '',
        serverRootCACertificate: readFileSync(env.TEMPORAL_TLS_SERVER_CA_CERT_PATH ?? ''),
        clientCertPair: {
          crt: readFileSync(env.TEMPORAL_TLS_CLIENT_CERT_PATH ?? ''),
          key: readFileSync(env.TEMPORAL_TLS_CLIENT_KEY_PATH ?? ''),
        },
      },
    }),
  });
}, 1_200_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  if (client) {
    await client.schedule
      .getHandle(SCHEDULE_ID)
      .delete()
      .catch(() => undefined);
    // No run of this test may wait in the cluster for workers that are gone.
    for await (const w of client.workflow.list({
      query: `TemporalScheduledById="${SCHEDULE_ID}" AND ExecutionStatus="Running"`,
    }))
      await client.workflow
        .getHandle(w.workflowId, w.runId)
        .terminate('test finished')
        .catch(() => undefined);
    await client.connection.close();
  }
  await psql(`DROP DATABASE IF EXISTS ${SYSTEM_DB} WITH (FORCE)`).catch(() => undefined);
  // Leave a cluster someone else started running; stop the one this test started.
  if (startedHere) await clusterCommand('stop');
}, 120_000);

describe('self-hosted cluster: PostgreSQL, four server processes, mutual TLS', () => {
  it('cluster.sh status reports every process healthy; env holds the settings both CLIs read', async () => {
    const s = await clusterCommand('status');
    expect(s.exitCode).toBe(0);
    for (const p of ['frontend', 'history', 'matching', 'worker', 'ui'])
      expect(s.stdout).toMatch(new RegExp(`^${p} .* healthy`, 'mu'));
    expect(Object.keys(env).sort()).toEqual([
      'TEMPORAL_ADDRESS',
      'TEMPORAL_NAMESPACE',
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
      'TEMPORAL_TLS_CLIENT_KEY_PATH',
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
      'TEMPORAL_TLS_SERVER_NAME',
    ]);
    // The real temporal CLI, configured by those variables only.
    const health = await execa(TEMPORAL, ['operator', 'cluster', 'health'], { env, extendEnv: false });
    expect(health.stdout.trim()).toBe('SERVING');
    const attrs = await execa(TEMPORAL, ['operator', 'search-attribute', 'list'], { env, extendEnv: false });
    for (const a of ['MeltanoProject', 'MeltanoSchedule', 'MeltanoJob', 'MeltanoEnvironment'])
      expect(attrs.stdout).toMatch(new RegExp(`${a}\\s+Keyword`, 'u'));
  });

  it('sync creates the schedule; two workers with a PostgreSQL system database; doctor is all green', async () => {
    const sync = await ours(dir, ['sync'], ourEnv());
    expect(sync.stderr + sync.stdout).toContain(`+ create ${SCHEDULE} (${SCHEDULE_ID})`);
    expect(sync.exitCode).toBe(0);
    for (let i = 0; i < 2; i++) {
      workers.push(
        startWorker(dir, ourEnv(), QUEUE, {
          MELTANO_DATABASE_URI: SYSTEM_DB_URI,
          MELTANO_TEMPORAL_MAX: '1',
          MELTANO_TEMPORAL_PROJECT: KEY,
        }),
      );
    }
    await Promise.all(workers.map((w) => w.ready));
    const d = await ours(dir, ['doctor', '--task-queue', QUEUE], ourEnv());
    expect(d.stdout).toMatch(/✓ server: reachable at 127\.0\.0\.1:\d+/u);
    expect(d.stdout).toMatch(/✓ search attributes: MeltanoProject, MeltanoSchedule, MeltanoJob, MeltanoEnvironment/u);
    expect(d.stdout).toMatch(new RegExp(`✓ workers: 2 polling task queue '${QUEUE}'`, 'u'));
    expect(d.stdout).toMatch(/✓ system database: shared/u);
    expect(d.exitCode).toBe(0);
  }, 120_000);

  it('refuses a client without a certificate and one from an untrusted CA; doctor says what is wrong and the fix', async () => {
    const untrusted = {
      TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(CLUSTER_DIR, 'untrusted', 'client.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(CLUSTER_DIR, 'untrusted', 'client.key'),
    };
    const noCert = { ...env, TEMPORAL_TLS_CLIENT_CERT_PATH: '', TEMPORAL_TLS_CLIENT_KEY_PATH: '' };
    // The temporal CLI.
    for (const e of [noCert, { ...env, ...untrusted }]) {
      const r = await execa(TEMPORAL, ['workflow', 'list', '--limit', '1'], {
        env: e,
        extendEnv: false,
        reject: false,
      });
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toMatch(/certificate/iu);
    }
    // Our CLI: a command that needs the server, and doctor.
    const none = await ours(
      dir,
      ['runs'],
      withoutTls({
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: env.TEMPORAL_TLS_SERVER_CA_CERT_PATH ?? '',
        TEMPORAL_TLS_SERVER_NAME: env.TEMPORAL_TLS_SERVER_NAME ?? '',
      }),
    );
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(
      /TLS: the server requires a client certificate \(mutual TLS\) and this client has none configured[^\n]*Fix: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/u,
    );
    const bad = await ours(dir, ['doctor', '--task-queue', QUEUE], ourEnv(untrusted));
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(
      /✗ server: [^\n]*the server refused the client certificate \S*untrusted\/client\.pem: it is not issued by a CA the server trusts \(TLS alert: unknown ca\)\. Fix: use a client certificate issued by the CA in the server's clientCaFiles/u,
    );
    // The worker (the SDK's native client) says the same.
    const worker = await ours(dir, ['worker', '--task-queue', QUEUE], ourEnv(untrusted));
    expect(worker.exitCode).toBe(1);
    expect(worker.stderr).toMatch(/TLS: the server refused the client certificate \S*untrusted\/client\.pem/u);
    const plain = await ours(dir, ['doctor', '--task-queue', QUEUE], withoutTls({}));
    expect(plain.exitCode).toBe(1);
    expect(plain.stdout).toMatch(
      /✗ server: [^\n]*requires TLS with a client certificate \(mutual TLS\) but this client connects without TLS\. Fix: set TEMPORAL_TLS_CLIENT_CERT_PATH/u,
    );
  }, 120_000);

  it('the schedule fires on its own (not triggered) and its runs spread over both workers', async () => {
    const before = Date.now();
    // Each run has three activities (resolve, two tasks) and each worker one slot: the tasks of a run
    // alternate between the workers. Wait for further runs only if one worker got everything so far.
    await waitFor('a completed scheduled run with tasks on both workers', 200_000, async () => {
      const done = (await runs()).filter((r) => r.status.name === 'COMPLETED');
      return done.length >= 1 && workers.every((w) => taskStarts(w) >= 1) ? done : undefined;
    });
    const all = await runs();
    for (const r of all) {
      // Started by the schedule at a cron time: the id ends with a whole minute.
      expect(r.workflowId).toMatch(
        new RegExp(
          `^${SCHEDULE_ID.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}-\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00Z$`,
          'u',
        ),
      );
      expect(r.startTime.getTime()).toBeGreaterThan(before - 120_000);
    }
    const first = all.find((r) => r.status.name === 'COMPLETED');
    const result = (await client.workflow.getHandle(first?.workflowId ?? '', first?.runId).result()) as JobRunResult;
    expect(result.tasks.map((t) => t.exitCode)).toEqual([0, 0]);
    const completed = (await runs()).filter((r) => r.status.name === 'COMPLETED').length;
    expect(numbers().length).toBeGreaterThanOrEqual(completed * ROWS_PER_RUN);
    // `runs` (our CLI) lists them through the same settings.
    const listed = await ours(dir, ['runs', SCHEDULE, '--format=json'], ourEnv());
    expect(listed.exitCode).toBe(0);
    expect((JSON.parse(listed.stdout) as { runs: Array<{ status: string }> }).runs.map((r) => r.status)).toContain(
      'COMPLETED',
    );
  }, 240_000);

  it('history SIGKILLed while a task runs, then restarted: the run completes once, no row lost or duplicated', async () => {
    // Between runs, so that the next task start belongs to the next run.
    await waitFor('no run in progress', 120_000, async () =>
      (await runs()).some((r) => r.status.name === 'RUNNING') ? undefined : true,
    );
    const known = new Set((await runs()).map((r) => r.workflowId));
    const starts = workers.map(taskStarts);
    // The next scheduled run, once one of its tasks has started.
    const run = await waitFor('the next scheduled run to start a task', 120_000, async () => {
      const fresh = (await runs()).find((r) => !known.has(r.workflowId) && r.status.name === 'RUNNING');
      return fresh && workers.some((w, i) => taskStarts(w) > (starts[i] ?? 0)) ? fresh : undefined;
    });
    const history = clusterPid('history');
    process.kill(history, 'SIGKILL');
    await sleep(3000);
    expect((await clusterCommand('status')).stdout).toMatch(/^history .* not running/mu);
    await startCluster();
    expect(clusterPid('history')).not.toBe(history);
    const result = (await client.workflow.getHandle(run.workflowId).result()) as JobRunResult;
    expect(result.tasks.map((t) => t.exitCode)).toEqual([0, 0]);
    // Exactly one execution for that scheduled time, completed. History is the authority on its status;
    // visibility (the listing) records the close a little later, the more so after a history restart.
    expect((await client.workflow.getHandle(run.workflowId).describe()).status.name).toBe('COMPLETED');
    const executions = await waitFor('the listing to record the run as closed', 60_000, async () => {
      const found: WorkflowExecutionInfo[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowId="${run.workflowId}"` })) found.push(w);
      return found.some((e) => e.status.name === 'RUNNING') ? undefined : found;
    });
    expect(executions.map((e) => e.status.name)).toEqual(['COMPLETED']);
    // Rows: 1..N once each, N a whole number of runs.
    await waitFor('no run in progress', 120_000, async () =>
      (await runs()).some((r) => r.status.name === 'RUNNING') ? undefined : true,
    );
    const rows = numbers();
    expect(rows).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    expect(rows.length % ROWS_PER_RUN).toBe(0);
  }, 300_000);

  it('the whole cluster stopped and started: schedule, runs and history are kept; the running workers reconnect', async () => {
    const before = await runs();
    const completedBefore = before.filter((r) => r.status.name === 'COMPLETED');
    const pids = workers.map((w) => w.proc.pid);
    const stop = await clusterCommand('stop');
    expect(stop.exitCode).toBe(0);
    expect((await clusterCommand('status')).exitCode).not.toBe(0);
    await sleep(5000);
    await startCluster();
    // The schedule, its runs and their histories.
    const described = await client.schedule.getHandle(SCHEDULE_ID).describe();
    expect(described.spec.calendars?.length ?? 0).toBeGreaterThan(0);
    const after = await waitFor('the runs to be listed again', 60_000, async () => {
      const r = await runs();
      return r.length >= before.length ? r : undefined;
    });
    for (const r of completedBefore) {
      expect(after.find((a) => a.workflowId === r.workflowId)?.status.name).toBe('COMPLETED');
      const events = (await client.workflow.getHandle(r.workflowId, r.runId).fetchHistory()).events ?? [];
      expect(events.length).toBeGreaterThan(10);
    }
    // The workers were not restarted; a run triggered with the real temporal CLI (configured only by
    // the TEMPORAL_* variables) is executed by them.
    expect(workers.map((w) => w.proc.pid)).toEqual(pids);
    expect(workers.every((w) => w.proc.exitCode === null)).toBe(true);
    // Trigger between two cron times with the schedule's own overlap policy (skip): a run of the
    // same pipeline at once would meet Meltano's run lock.
    await waitFor('a quiet moment between two scheduled runs', 120_000, async () => {
      const second = new Date().getUTCSeconds();
      return second >= 5 && second <= 40 && !(await runs()).some((r) => r.status.name === 'RUNNING') ? true : undefined;
    });
    const startsBefore = workers.map(taskStarts);
    const listedBefore = new Set((await runs()).map((r) => r.workflowId));
    await execa(TEMPORAL, ['schedule', 'trigger', '--schedule-id', SCHEDULE_ID], { env, extendEnv: false });
    const triggered = await waitFor('the triggered run', 30_000, async () =>
      (await runs()).find((r) => !listedBefore.has(r.workflowId) && !r.workflowId.endsWith(':00Z')),
    );
    const result = (await client.workflow.getHandle(triggered.workflowId).result()) as JobRunResult;
    expect(result.tasks.map((t) => t.exitCode)).toEqual([0, 0]);
    expect(workers.some((w, i) => taskStarts(w) > (startsBefore[i] ?? 0))).toBe(true);
    await waitFor('no run in progress', 120_000, async () =>
      (await runs()).some((r) => r.status.name === 'RUNNING') ? undefined : true,
    );
    const rows = numbers();
    expect(rows).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
  }, 420_000);

  it("the cluster's Web UI (mTLS to the frontend) shows the schedule and a completed run in headless Chromium", async () => {
    const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
    if (!chromium) throw new Error('Chromium is missing: apt-get install chromium (scripts/setup.sh --test-tools)');
    const artifacts = path.join(REPO_ROOT, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    const flags = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${mkdtempSync(path.join(os.tmpdir(), 'chromium-'))}`,
      '--virtual-time-budget=15000',
      '--window-size=1400,900',
    ];
    const base = `http://127.0.0.1:${UI_PORT}/namespaces/default`;
    const schedulesUrl = `${base}/schedules`;
    const dom = await execa(chromium, [...flags, '--dump-dom', schedulesUrl], { reject: false, timeout: 120_000 });
    expect(dom.stdout).toContain(SCHEDULE_ID);
    await execa(
      chromium,
      [...flags, `--screenshot=${path.join(artifacts, 'cluster-ui-schedules.png')}`, schedulesUrl],
      {
        reject: false,
        timeout: 120_000,
      },
    );
    expect(existsSync(path.join(artifacts, 'cluster-ui-schedules.png'))).toBe(true);
    const runsUrl = `${base}/workflows?query=${encodeURIComponent(`TemporalScheduledById="${SCHEDULE_ID}"`)}`;
    const runsDom = await execa(chromium, [...flags, '--dump-dom', runsUrl], { reject: false, timeout: 120_000 });
    expect(runsDom.stdout).toMatch(/Completed/u);
    expect(runsDom.stdout).toContain(SCHEDULE_ID);
    await execa(chromium, [...flags, `--screenshot=${path.join(artifacts, 'cluster-ui-runs.png')}`, runsUrl], {
      reject: false,
      timeout: 120_000,
    });
    expect(existsSync(path.join(artifacts, 'cluster-ui-runs.png'))).toBe(true);
  }, 300_000);
});
