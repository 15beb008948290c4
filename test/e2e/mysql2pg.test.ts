/**
 * End to end, all real: MariaDB -> tap-mysql -> target-postgres -> PostgreSQL
 * (+ dbt), scheduled by `meltano-temporal up` on its embedded Temporal dev
 * server, triggered with the real `temporal schedule trigger`, and the Web UI
 * checked in headless Chromium. Needs root or sudo for apt-get and services
 * (scripts/databases.sh); fails loudly when a component is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { JobRunResult } from '../../workflows/types.js';
import { CLI, REPO_ROOT, TEMPORAL, VENV_BIN, requireFile } from '../helpers/run.js';
import { copyProject } from '../helpers/project.js';
import { freePort } from '../helpers/temporal.js';
import { waitFor, waitForOutput } from '../helpers/wait.js';

const DB_ENV = {
  MT_MYSQL_HOST: '127.0.0.1',
  MT_MYSQL_PORT: '3306',
  MT_MYSQL_USER: 'meltano',
  MT_MYSQL_PASSWORD: 'meltano',
  MT_PG_HOST: '127.0.0.1',
  MT_PG_PORT: '5432',
  MT_PG_USER: 'meltano',
  MT_PG_PASSWORD: 'meltano',
};
const PROJECT_KEY = 'mysql2pg-e2e';
let dir: string;
let port: number;
let uiPort: number;
let env: Record<string, string>;
let up: { proc: ResultPromise; output: () => string } | undefined;

async function sql(kind: 'mysql' | 'pg', query: string): Promise<string> {
  if (kind === 'mysql') {
    const r = await execa('mariadb', ['-h', '127.0.0.1', '-u', 'meltano', '-N', '-B', '-e', query], {
      env: { MYSQL_PWD: 'meltano' },
    });
    return r.stdout.trim();
  }
  const r = await execa(
    'psql',
    ['-h', '127.0.0.1', '-U', 'meltano', '-d', 'warehouse', '-tA', '-F', '\t', '-c', query],
    { env: { PGPASSWORD: 'meltano' } },
  );
  return r.stdout.trim();
}

function startUp(): { proc: ResultPromise; output: () => string; ready: Promise<void> } {
  let output = '';
  const proc = execa(
    'node',
    [CLI, '--project', dir, 'up', '--port', String(port), '--ui-port', String(uiPort), '--shutdown-grace', '2s'],
    {
      env,
      reject: false,
      stdin: 'ignore',
      all: true,
      buffer: false,
    },
  );
  proc.all?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const ready = waitForOutput({ output: () => output, exitCode: () => proc.exitCode }, 'worker polling task queue', {
    what: 'up to start its worker',
    timeoutMs: 240_000,
  }).then(() => undefined);
  ready.catch(() => undefined); // awaited by the caller; never an unhandled rejection
  return { proc, output: () => output, ready };
}

async function stopUp(): Promise<void> {
  if (!up) return;
  up.proc.kill('SIGINT');
  await up.proc;
  up = undefined;
}

async function completedRuns(schedule: string): Promise<Array<{ status: string; workflowId: string }>> {
  const r = await execa(
    'node',
    [CLI, '--project', dir, 'runs', schedule, '--format=json', '--address', `127.0.0.1:${port}`],
    { env, reject: false },
  );
  if (r.exitCode !== 0) return [];
  return (JSON.parse(r.stdout) as { runs: Array<{ status: string; workflowId: string }> }).runs;
}

async function waitForCompleted(schedule: string, count: number, timeoutMs = 240_000): Promise<void> {
  let failed = false;
  await waitFor(
    `${count} completed run(s) of ${schedule}`,
    async () => {
      const runs = await completedRuns(schedule);
      failed = runs.some((r) => r.status === 'FAILED');
      return runs.filter((r) => r.status === 'COMPLETED').length >= count;
    },
    {
      timeoutMs,
      intervalMs: 1000,
      abortIf: () => (failed ? `a run of ${schedule} failed` : undefined),
      detail: () => up?.output().slice(-5000) ?? '',
    },
  );
}

async function trigger(schedule: string): Promise<void> {
  await execa(TEMPORAL, [
    'schedule',
    'trigger',
    '--schedule-id',
    `meltano:${PROJECT_KEY}:dev:${schedule}`,
    '--address',
    `127.0.0.1:${port}`,
  ]);
}

beforeAll(async () => {
  requireFile(TEMPORAL);
  await execa('bash', [path.join(REPO_ROOT, 'scripts', 'databases.sh'), 'start'], { stdio: 'inherit' });
  await execa('bash', [path.join(REPO_ROOT, 'scripts', 'databases.sh'), 'seed'], { stdio: 'inherit' });
  await sql('pg', 'DROP SCHEMA IF EXISTS raw CASCADE; DROP SCHEMA IF EXISTS analytics CASCADE;');
  dir = copyProject(path.join(REPO_ROOT, 'examples', 'mysql2pg'), 'mysql2pg-e2e-', { withoutState: true });
  port = await freePort();
  uiPort = await freePort();
  env = {
    ...DB_ENV,
    PATH: `${VENV_BIN}:${process.env.PATH ?? ''}`,
    MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
    MELTANO_TEMPORAL_PROJECT: PROJECT_KEY,
    HOME: process.env.HOME ?? '/root',
  };
  await execa(path.join(VENV_BIN, 'meltano'), ['install'], { cwd: dir, env, stdio: 'inherit' });
}, 900_000);

afterAll(async () => {
  await stopUp();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('mysql2pg on up', () => {
  it('up syncs the schedules; a real `temporal schedule trigger` loads every source row', async () => {
    const started = startUp();
    up = started;
    await started.ready;
    expect(started.output()).toMatch(/\+ create mysql2pg \(meltano:mysql2pg-e2e:dev:mysql2pg\)/u);
    expect(started.output()).toMatch(/Temporal Web UI: http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/schedules/u);
    await trigger('mysql2pg');
    await waitForCompleted('mysql2pg', 1);
    const source = await sql('mysql', 'SELECT id, customer_id, amount FROM shop.orders ORDER BY id');
    const target = await sql('pg', 'SELECT id, customer_id, amount FROM raw.orders ORDER BY id');
    expect(target).toBe(source);
    expect(await sql('pg', 'SELECT count(*) FROM raw.customers')).toBe('5');
  }, 300_000);

  it('new source rows, trigger again: only they arrive (state kept), no duplicates', async () => {
    await sql(
      'mysql',
      "INSERT INTO shop.orders (customer_id, amount, ordered_at) VALUES (1, 1.00, '2026-11-20 10:00:00'), (3, 2.00, '2026-11-20 11:00:00')",
    );
    await trigger('mysql2pg');
    await waitForCompleted('mysql2pg', 2);
    const source = await sql('mysql', 'SELECT id, customer_id, amount FROM shop.orders ORDER BY id');
    const target = await sql('pg', 'SELECT id, customer_id, amount FROM raw.orders ORDER BY id');
    expect(target).toBe(source);
    expect(await sql('pg', 'SELECT count(*) = count(DISTINCT id) FROM raw.orders')).toBe('t');
    // Incremental: the second run's extractor read only from the bookmark on
    // (pipelinewise re-reads the bookmarked row itself: >=), not all 8 orders.
    const latest = (await completedRuns('mysql2pg')).find((r) => r.status === 'COMPLETED');
    const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${port}` }) });
    try {
      const result = (await client.workflow.getHandle(latest?.workflowId ?? '').result()) as JobRunResult;
      expect(result.tasks[0]?.rowsPerStream['shop-orders']).toBe(3);
      expect(result.tasks[0]?.rowsPerStream['shop-customers']).toBe(1);
    } finally {
      await client.connection.close();
    }
  }, 300_000);

  it('stopping everything in the middle of a run and starting up again: the run completes, nothing lost or duplicated', async () => {
    await trigger('mysql2pg-dbt');
    // Wait until the task is running, then stop up (worker, then the embedded server).
    await waitFor(
      'the task to run',
      () => (up?.output() ?? '').includes('[tap-mysql target-postgres dbt-postgres:run #1]'),
      {
        timeoutMs: 120_000,
      },
    );
    await stopUp();
    const restarted = startUp();
    up = restarted;
    await restarted.ready;
    expect(restarted.output()).not.toMatch(/\+ create/u); // schedules survived the restart
    await waitForCompleted('mysql2pg-dbt', 1, 300_000);
    expect(await sql('pg', 'SELECT count(*) = count(DISTINCT id) FROM raw.orders')).toBe('t');
    expect(await sql('pg', 'SELECT count(*) FROM raw.orders')).toBe(
      await sql('mysql', 'SELECT count(*) FROM shop.orders'),
    );
    // The dbt model ran on the complete data.
    const expected = await sql(
      'mysql',
      'SELECT c.country, count(o.id) FROM shop.orders o JOIN shop.customers c ON c.id = o.customer_id GROUP BY c.country ORDER BY c.country',
    );
    expect(await sql('pg', 'SELECT country, orders FROM analytics.revenue_by_country ORDER BY country')).toBe(expected);
  }, 420_000);

  it('the Web UI served by up shows the schedule (headless Chromium; screenshot kept in test-artifacts/)', async () => {
    const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
    if (!chromium)
      throw new Error('Chromium is missing: apt-get install chromium (scripts/setup.sh --databases installs it)');
    const artifacts = path.join(REPO_ROOT, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    const url = `http://127.0.0.1:${uiPort}/namespaces/default/schedules`;
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
    const dom = await execa(chromium, [...flags, '--dump-dom', url], { reject: false, timeout: 120_000 });
    expect(dom.stdout).toContain('meltano:mysql2pg-e2e:dev:mysql2pg');
    await execa(chromium, [...flags, `--screenshot=${path.join(artifacts, 'temporal-ui-schedules.png')}`, url], {
      reject: false,
      timeout: 120_000,
    });
    expect(existsSync(path.join(artifacts, 'temporal-ui-schedules.png'))).toBe(true);
    const runsUrl = `http://127.0.0.1:${uiPort}/namespaces/default/workflows?query=${encodeURIComponent(`MeltanoSchedule="mysql2pg"`)}`;
    const runsDom = await execa(chromium, [...flags, '--dump-dom', runsUrl], { reject: false, timeout: 120_000 });
    expect(runsDom.stdout).toMatch(/Completed/iu);
    await execa(chromium, [...flags, `--screenshot=${path.join(artifacts, 'temporal-ui-runs.png')}`, runsUrl], {
      reject: false,
      timeout: 120_000,
    });
  }, 300_000);
});
