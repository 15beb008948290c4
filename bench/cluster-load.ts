/**
 * Many schedules on an every-minute cron, on the self-hosted cluster
 * (deploy/cluster.sh: four server processes, PostgreSQL, mTLS) and on the dev
 * server (`temporal server start-dev`, SQLite), one after the other in one run; `dev-before` is the dev
 * server and workers with the settings before issue 27 (bench/noop-job.ts BEFORE_SERVER).
 * Each server gets the same project (N schedules, each a one-task job), two
 * workers and a stand-in `meltano` (MELTANO_BIN) that records when and for
 * which run it started, then exits at once. For the cron times of a window of M
 * minutes it reports runs started, missed and duplicated, the lag from each
 * cron's nominal time to its task's process start, and each server process's
 * CPU and memory.
 *
 *   npm run bench -- cluster-load [--schedules 500] [--minutes 5] [--workers 2] [--concurrency 4] [--servers cluster,dev,dev-before] [--jitter 50s]
 *
 * --jitter gives every schedule `annotations.temporal.jitter` (docs/scaling.md,
 * "Many schedules on one cron"): the remedy `sync` advises for many schedules on one
 * cron. The lag is still measured from the nominal minute, so it includes the
 * random delay of up to the jitter.
 */
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { execa } from 'execa';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT, CLI_BIN } from '../src/util/paths.js';
import { freePort, startDevServer } from '../src/temporal/dev-server.js';
import { BEFORE_SERVER } from './noop-job.js';
import type { JobRunResult } from '../workflows/types.js';

const { values: opts } = parseArgs({
  options: {
    schedules: { type: 'string', default: '500' },
    minutes: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '4' },
    servers: { type: 'string', default: 'cluster,dev' },
    jitter: { type: 'string' },
  },
});
const N = Number(opts.schedules);
const MINUTES = Number(opts.minutes);
const WORKERS = Number(opts.workers);
const CONCURRENCY = Number(opts.concurrency);
const SERVERS = (opts.servers ?? '').split(',') as Array<'cluster' | 'dev' | 'dev-before'>;
const JITTER = opts.jitter;
const CLUSTER_SH = path.join(PACKAGE_ROOT, 'deploy', 'cluster.sh');
const TICKS = Number((await execa('getconf', ['CLK_TCK'])).stdout);
const log = (m: string): void => void process.stderr.write(`[cluster-load] ${m}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** A busy server times out list queries now and then (the dev server's SQLite above all): try again. */
async function retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 20) throw err;
      log(`${what} failed (${(err as Error).message}), again in 5 s`);
      await sleep(5000);
    }
  }
}

interface Server {
  name: string;
  env: Record<string, string>;
  connection: ConnectionOptions;
  /** The server's processes by name (pids read when sampled: a restart changes them). */
  processes: () => Record<string, number>;
  /** Extra flags of each worker (the "before" side's one poller per slot). */
  workerArgs?: string[];
  /** PostgreSQL databases whose backends serve this server (CPU of those backends is reported too). */
  databases: string[];
  stop(): Promise<void>;
}

// --- the two servers ----------------------------------------------------------

async function clusterServer(): Promise<Server> {
  const wasRunning = (await execa('bash', [CLUSTER_SH, 'status'], { reject: false })).exitCode === 0;
  await execa('bash', [CLUSTER_SH, 'start'], { stdout: 'inherit', stderr: 'inherit' });
  const env: Record<string, string> = {};
  for (const m of (await execa('bash', [CLUSTER_SH, 'env'])).stdout.matchAll(/^export (\w+)=(.*)$/gmu))
    env[m[1] ?? ''] = m[2] ?? '';
  const run = path.join(PACKAGE_ROOT, '.cluster', 'run');
  return {
    name: 'cluster (4 processes, PostgreSQL, mTLS)',
    env,
    connection: {
      address: env.TEMPORAL_ADDRESS ?? '',
      tls: {
        serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME ?? '',
        serverRootCACertificate: readFileSync(env.TEMPORAL_TLS_SERVER_CA_CERT_PATH ?? ''),
        clientCertPair: {
          crt: readFileSync(env.TEMPORAL_TLS_CLIENT_CERT_PATH ?? ''),
          key: readFileSync(env.TEMPORAL_TLS_CLIENT_KEY_PATH ?? ''),
        },
      },
    },
    processes: () =>
      Object.fromEntries(
        ['frontend', 'history', 'matching', 'worker'].map((s) => [
          s,
          Number(readFileSync(path.join(run, `${s}.pid`), 'utf8').trim()),
        ]),
      ),
    databases: ['temporal', 'temporal_visibility'],
    stop: async () => {
      if (!wasRunning) await execa('bash', [CLUSTER_SH, 'stop'], { stdout: 'inherit', stderr: 'inherit' });
    },
  };
}

/**
 * Headless, our search attributes and the server tuning `up` gives its embedded server; errors only:
 * under load it reports every slow SQLite write. `before`: the settings before issue 27 (the server's
 * default transfer throttle and SQLite journal, workers with one activity poller per slot), so that
 * `--servers dev-before,dev` prints old and new side by side.
 */
async function devServer(before = false): Promise<Server> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cluster-load-dev-'));
  const server = await startDevServer({
    port: await freePort(),
    dbFile: path.join(dir, 'dev.sqlite'),
    logLevel: 'error',
    ...(before ? BEFORE_SERVER : {}),
  });
  return {
    name: before ? 'dev server, before issue 27' : 'dev server (1 process, SQLite)',
    ...(before ? { workerArgs: ['--activity-pollers', String(CONCURRENCY)] } : {}),
    env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' },
    connection: { address: server.address },
    processes: () => ({ 'temporal server start-dev': server.pid }),
    databases: [],
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- process figures ------------------------------------------------------------

function cpuTicks(pid: number, withReapedChildren = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(fields[11]) + Number(fields[12]); // utime + stime
  // cutime + cstime: the children it has waited for (a worker's task processes).
  return withReapedChildren ? own + Number(fields[13]) + Number(fields[14]) : own;
}

/** Busy and total CPU ticks of the whole host, all cores (/proc/stat). */
function hostTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/u).slice(1).map(Number) ?? [];
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/u.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

async function backendPids(databases: string[]): Promise<number[]> {
  if (!databases.length) return [];
  const r = await execa(
    'psql',
    [
      '-h',
      '127.0.0.1',
      '-U',
      'meltano',
      '-d',
      'postgres',
      '-tAc',
      `SELECT pid FROM pg_stat_activity WHERE datname IN (${databases.map((d) => `'${d}'`).join(',')})`,
    ],
    { env: { PGPASSWORD: 'meltano' }, reject: false },
  );
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

/** CPU seconds and RSS samples of a server's processes, and of its PostgreSQL backends, over a window. */
class Sampler {
  private cpuStart: Record<string, number> = {};
  private rss: Record<string, number[]> = {};
  private backends = new Map<number, { first: number; last: number }>();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private workersStart = 0;
  private hostStart = { busy: 0, total: 0 };

  /** workerPids: our worker processes (their CPU includes the task processes they ran). */
  constructor(
    private readonly server: Server,
    private readonly workerPids: number[],
  ) {}

  private workerTicks(): number {
    return this.workerPids.reduce((sum, pid) => sum + cpuTicks(pid, true), 0);
  }

  async start(): Promise<void> {
    this.startedAt = Date.now();
    this.hostStart = hostTicks();
    this.workersStart = this.workerTicks();
    for (const [name, pid] of Object.entries(this.server.processes())) this.cpuStart[name] = cpuTicks(pid);
    await this.sample();
    this.timer = setInterval(() => void this.sample(), 5000);
  }

  private async sample(): Promise<void> {
    for (const [name, pid] of Object.entries(this.server.processes())) {
      try {
        (this.rss[name] ??= []).push(rssKiB(pid));
      } catch {
        /* restarting */
      }
    }
    for (const pid of await backendPids(this.server.databases)) {
      try {
        const t = cpuTicks(pid);
        const b = this.backends.get(pid);
        if (b) b.last = t;
        else this.backends.set(pid, { first: t, last: t });
      } catch {
        /* ended */
      }
    }
  }

  async stop(): Promise<{
    cpu: Record<string, number>;
    rssMean: Record<string, number>;
    rssPeak: Record<string, number>;
    workersCpu: number;
    hostBusy: number;
  }> {
    clearInterval(this.timer);
    await this.sample();
    const seconds = (Date.now() - this.startedAt) / 1000;
    const host = hostTicks();
    const hostBusy = ((host.busy - this.hostStart.busy) / (host.total - this.hostStart.total)) * 100;
    const workersCpu = ((this.workerTicks() - this.workersStart) / TICKS / seconds) * 100;
    const cpu: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.server.processes()))
      cpu[name] = ((cpuTicks(pid) - (this.cpuStart[name] ?? 0)) / TICKS / seconds) * 100;
    if (this.server.databases.length)
      cpu['PostgreSQL backends'] =
        ([...this.backends.values()].reduce((a, b) => a + b.last - b.first, 0) / TICKS / seconds) * 100;
    const rssMean: Record<string, number> = {};
    const rssPeak: Record<string, number> = {};
    for (const [name, values] of Object.entries(this.rss)) {
      rssMean[name] = values.reduce((a, b) => a + b, 0) / values.length / 1024;
      rssPeak[name] = Math.max(...values) / 1024;
    }
    return { cpu, rssMean, rssPeak, workersCpu, hostBusy };
  }
}

// --- one phase: N schedules, workers, a window of M cron times ------------------

interface PhaseResult {
  server: string;
  expected: number;
  started: number;
  completed: number;
  missed: number;
  /** Counted by the schedules (all their cron times, also outside the window). */
  skippedOverlap: number;
  missedCatchup: number;
  duplicated: number;
  lagsMs: number[];
  cpu: Record<string, number>;
  rssMean: Record<string, number>;
  rssPeak: Record<string, number>;
  /** Our workers and the task processes they ran, % of one core. */
  workersCpu: number;
  /** The whole host's busy time, % of all its cores. */
  hostBusy: number;
  syncSeconds: number;
}

function project(key: string, logFile: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `cluster-load-${key}-`));
  // The stand-in meltano: one line per start (nanoseconds, Meltano run id, schedule), then exit 0.
  const fake = path.join(dir, 'meltano');
  writeFileSync(
    fake,
    `#!/bin/sh
t=$(date +%s%N)
run=""
while [ $# -gt 0 ]; do [ "$1" = --run-id ] && run=$2; shift; done
echo "$t $run $BENCH_SCHEDULE" >> "${logFile}"
`,
  );
  chmodSync(fake, 0o755);
  let yml = `plugins:
  extractors:
  - name: tap-x
    namespace: tap_x
  loaders:
  - name: target-y
    namespace: target_y
jobs:
- name: j
  tasks:
  - tap-x target-y
schedules:
`;
  for (let i = 0; i < N; i++)
    yml +=
      `- name: s-${i}\n  interval: '* * * * *'\n  job: j\n  env:\n    BENCH_SCHEDULE: s-${i}\n` +
      (JITTER ? `  annotations:\n    temporal:\n      jitter: ${JITTER}\n` : '');
  writeFileSync(path.join(dir, 'meltano.yml'), yml);
  return dir;
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function phase(server: Server, index: number): Promise<PhaseResult> {
  const key = `load${index}-${process.pid}`;
  const queue = `load-${key}`;
  const logFile = path.join(os.tmpdir(), `cluster-load-${key}.log`);
  rmSync(logFile, { force: true });
  const dir = project(key, logFile);
  const env = {
    ...process.env,
    ...server.env,
    MELTANO_TEMPORAL_PROJECT: key,
    MELTANO_TEMPORAL_TASK_QUEUE: queue,
    MELTANO_BIN: path.join(dir, 'meltano'),
    // Not used by the stand-in; set so that the workers do not warn about a local SQLite system database.
    MELTANO_DATABASE_URI: 'postgresql+psycopg://meltano:meltano@127.0.0.1:5432/postgres',
  };
  const client = new Client({ connection: await Connection.connect(server.connection) });
  log(`${server.name}: sync of ${N} schedules`);
  const t0 = Date.now();
  await execa('node', [CLI_BIN, '--project', dir, 'sync'], { env, stdout: 'ignore', stderr: 'inherit' });
  const syncSeconds = (Date.now() - t0) / 1000;
  const workers = Array.from({ length: WORKERS }, () => {
    let out = '';
    const proc = execa(
      'node',
      [
        CLI_BIN,
        '--project',
        dir,
        'worker',
        '--max-concurrent-tasks',
        String(CONCURRENCY),
        '--shutdown-grace',
        '10s',
        ...(server.workerArgs ?? []),
      ],
      { env: { ...env, MELTANO_TEMPORAL_LOG_LEVEL: 'WARN' }, reject: false, all: true, buffer: false },
    );
    proc.all?.on('data', (d: Buffer) => {
      out = (out + d.toString()).slice(-20_000);
    });
    return { proc, output: () => out };
  });
  while (!workers.every((w) => /polling task queue/u.test(w.output()))) {
    if (workers.some((w) => w.proc.exitCode !== null))
      throw new Error(`a worker exited:\n${workers.map((w) => w.output()).join('\n')}`);
    await sleep(200);
  }
  // The window: M whole cron times, starting at the first minute at least 5 s away.
  const first = Math.ceil((Date.now() + 5000) / 60_000) * 60_000;
  const nominal = Array.from({ length: MINUTES }, (_, i) => first + i * 60_000);
  log(`${server.name}: window of ${MINUTES} cron times from ${new Date(first).toISOString()}`);
  await sleep(first - Date.now());
  const sampler = new Sampler(
    server,
    workers.map((w) => w.proc.pid ?? 0),
  );
  await sampler.start();
  await sleep(first + MINUTES * 60_000 - Date.now());
  const figures = await sampler.stop();
  // Every run of the window should have started; a late one may still start within the schedules'
  // catch-up window (5 minutes), so wait up to that long before the schedules are deleted (later cron
  // times are not counted).
  const late = Date.now() + 5 * 60_000;
  const window = `MeltanoProject="${key}" AND TemporalScheduledStartTime >= "${new Date(first).toISOString()}" AND TemporalScheduledStartTime <= "${new Date(nominal.at(-1) ?? first).toISOString()}"`;
  while ((await retry('count', () => client.workflow.count(window))).count < N * MINUTES && Date.now() < late)
    await sleep(5000);
  const ids = Array.from({ length: N }, (_, i) => `meltano:${key}:default:s-${i}`);
  // What the schedules themselves skipped: a start that found its previous run still open
  // (overlap policy `skip`) or came later than the catch-up window. Read before deleting them.
  let skippedOverlap = 0;
  let missedCatchup = 0;
  await pool(ids, 16, async (id) => {
    const info = await client.schedule
      .getHandle(id)
      .describe()
      .then((d) => d.info)
      .catch(() => undefined);
    skippedOverlap += info?.numActionsSkippedOverlap ?? 0;
    missedCatchup += info?.numActionsMissedCatchupWindow ?? 0;
  });
  log(`${server.name}: deleting the schedules`);
  await pool(ids, 16, async (id) => {
    await client.schedule
      .getHandle(id)
      .delete()
      .catch(() => undefined);
  });
  for (let i = 0; i < 120; i++) {
    const running = await retry('count', () =>
      client.workflow.count(`MeltanoProject="${key}" AND ExecutionStatus="Running"`),
    );
    if (running.count === 0) break;
    await sleep(2000);
  }
  const runs = await retry('list', async () => {
    const found: Array<{ workflowId: string; schedule: string; nominal: number; status: string }> = [];
    for await (const w of client.workflow.list({ query: `MeltanoProject="${key}"` })) {
      const at = w.searchAttributes.TemporalScheduledStartTime?.[0];
      found.push({
        workflowId: w.workflowId,
        schedule: String(w.searchAttributes.MeltanoSchedule?.[0] ?? ''),
        nominal: at instanceof Date ? at.getTime() : new Date(String(at)).getTime(),
        status: w.status.name,
      });
    }
    return found;
  });
  for (const w of workers) w.proc.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.proc));
  // Which run each task process belonged to: the Meltano run id is in the workflow's result.
  const inWindow = runs.filter((r) => nominal.includes(r.nominal));
  const runIdOf = new Map<string, (typeof runs)[number]>();
  await pool(inWindow, 16, async (r) => {
    if (r.status !== 'COMPLETED') return;
    const result = (await retry('result', () => client.workflow.getHandle(r.workflowId).result())) as JobRunResult;
    const runId = result.tasks[0]?.runId;
    if (runId) runIdOf.set(runId, r);
  });
  const startsByRun = new Map<string, number[]>();
  for (const line of existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n') : []) {
    const [ns, runId] = line.split(' ');
    if (runId) startsByRun.set(runId, [...(startsByRun.get(runId) ?? []), Number(BigInt(ns ?? '0') / 1_000_000n)]);
  }
  const lagsMs: number[] = [];
  let duplicated = 0;
  for (const [runId, r] of runIdOf) {
    const starts = (startsByRun.get(runId) ?? []).sort((a, b) => a - b);
    if (starts.length > 1) duplicated += starts.length - 1;
    if (starts[0] !== undefined) lagsMs.push(starts[0] - r.nominal);
  }
  const pairs = new Set(inWindow.map((r) => `${r.schedule}@${r.nominal}`));
  duplicated += inWindow.length - pairs.size; // two workflows for one schedule and cron time
  await client.connection.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(logFile, { force: true });
  return {
    server: server.name,
    expected: N * MINUTES,
    started: pairs.size,
    completed: inWindow.filter((r) => r.status === 'COMPLETED').length,
    missed: N * MINUTES - pairs.size,
    skippedOverlap,
    missedCatchup,
    duplicated,
    lagsMs,
    ...figures,
    syncSeconds,
  };
}

// --- main ------------------------------------------------------------------------

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? NaN) : NaN;
}

const results: PhaseResult[] = [];

function printTable(out: (line: string) => void): void {
  const col = (v: string): string => v.padEnd(44);
  const row = (label: string, f: (r: PhaseResult) => string): void =>
    out(`  ${label.padEnd(36)}${results.map((r) => col(f(r))).join('')}`);
  const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  out(
    `cluster-load: ${N} schedules on '* * * * *'${JITTER ? ` with jitter ${JITTER} (lag includes it)` : ''}, ${WORKERS} workers x ${CONCURRENCY} tasks, ${MINUTES} cron times per server, stand-in meltano (exits at once)`,
  );
  out(`  ${''.padEnd(36)}${results.map((r) => col(r.server)).join('')}`);
  row('sync of the schedules', (r) => `${r.syncSeconds.toFixed(1)} s`);
  row('runs started / expected', (r) => `${r.started} / ${r.expected}`);
  row('runs completed', (r) => String(r.completed));
  row('missed runs', (r) => String(r.missed));
  row('  skipped: previous run still open', (r) => String(r.skippedOverlap));
  row('  skipped: past the catch-up window', (r) => String(r.missedCatchup));
  row('duplicated runs (or task starts)', (r) => String(r.duplicated));
  row('lag cron time -> task start  p50', (r) => secs(percentile(r.lagsMs, 0.5)));
  row('                             p99', (r) => secs(percentile(r.lagsMs, 0.99)));
  row('                             max', (r) => secs(Math.max(...r.lagsMs)));
  out('  server CPU (% of one core, window average) / memory (RSS MiB, mean / peak):');
  const names = [...new Set(results.flatMap((r) => Object.keys(r.cpu)))];
  for (const n of names)
    row(`    ${n}`, (r) =>
      r.cpu[n] === undefined
        ? '-'
        : `${r.cpu[n].toFixed(0)}%${r.rssMean[n] !== undefined ? `  ${r.rssMean[n].toFixed(0)} / ${(r.rssPeak[n] ?? 0).toFixed(0)} MiB` : ''}`,
    );
  row('    total', (r) => {
    const cpu = Object.values(r.cpu).reduce((a, b) => a + b, 0);
    const mean = Object.values(r.rssMean).reduce((a, b) => a + b, 0);
    return `${cpu.toFixed(0)}%  ${mean.toFixed(0)} MiB`;
  });
  row(`our ${WORKERS} workers + their tasks (CPU)`, (r) => `${r.workersCpu.toFixed(0)}% of one core`);
  row(`host busy (all ${os.cpus().length} cores)`, (r) => `${r.hostBusy.toFixed(0)}%`);
}

for (const [i, kind] of SERVERS.entries()) {
  const server = kind === 'cluster' ? await clusterServer() : await devServer(kind === 'dev-before');
  try {
    results.push(await phase(server, i));
  } finally {
    await server.stop();
  }
  // Each server's figures as soon as they are known (a later failure keeps them).
  if (i < SERVERS.length - 1) printTable((line) => log(line));
}
printTable((line) => console.log(line));
console.log(
  `reproduce: npm run bench -- cluster-load --schedules ${N} --minutes ${MINUTES} --workers ${WORKERS} --concurrency ${CONCURRENCY} --servers ${SERVERS.join(',')}${JITTER ? ` --jitter ${JITTER}` : ''}   (machine: ${os.cpus().length} cores, load average at the end ${os.loadavg()[0]?.toFixed(1)})`,
);
