/**
 * Airflow 3 side by side with meltano-temporal on the same job: 3 no-op tasks
 * whose `meltano` only stamps its start and exit times (bench/noop-job.ts).
 *
 * (a) Latency: `airflow standalone` (SQLite, LocalExecutor) runs the DAG that
 * Meltano's Airflow file bundle would generate for the job
 * (bench/airflow/meltano_dags.py); runs are triggered through its REST API and
 * alternated with runs of our dev server + worker. Medians of trigger -> first
 * task process start and task exit -> next task process start, for Airflow's
 * defaults and for a tuned scheduler, with the ratios.
 * (b) Idle footprint with 100 schedules: PSS of each whole process tree
 * (/proc/<pid>/smaps_rollup), process count, launch -> ready.
 *
 * Opt-in (not in `npm test`, not in `npm run bench`): installs apache-airflow
 * into the git-ignored .bench/airflow-venv on first use (scripts/airflow-venv.sh),
 * then runs in a network namespace of its own holding only loopback (unshare),
 * so every server of both sides is reachable on 127.0.0.1 only.
 *
 *   npm run bench -- airflow [runs]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT, VENV_BIN } from '../src/util/paths.js';
import { startAirflow, type Airflow } from './airflow-standalone.js';
import {
  NOOP_JOB,
  readRun,
  startTemporalSide,
  writeNoopProject,
  type NoopProject,
  type RunTiming,
} from './noop-job.js';
import { treeMemory, type TreeMemory } from './proc-tree.js';
import { launchUp } from './up-process.js';
import { fmt, median } from './util.js';

const AIRFLOW_VERSION = '3.3.2'; // also pinned in scripts/airflow-venv.sh and bench/airflow/constraints.txt
const runs = Number(process.argv[2] ?? 20);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench/airflow.ts: runs must be a whole number of at least 1, not "${process.argv[2]}"`);
  process.exit(2);
}
const REPRODUCE = `npm run bench -- airflow${process.argv[2] ? ` ${runs}` : ''}`;
/** The scheduler setting the "tuned" Airflow changes (default 1 s). */
const TUNED = { AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME: '0.1' };
const IDLE_SCHEDULES = 100;
const SETTLE_MS = 20_000;

const say = (line: string): void => void process.stderr.write(`[bench airflow] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// Outside the namespace: install Airflow (needs PyPI), then run this script
// again inside a loopback-only network namespace.
if (process.env.MT_BENCH_AIRFLOW_NETNS === undefined) {
  console.log(`reproduce: ${REPRODUCE}`);
  const venvBin = execFileSync('bash', [path.join(PACKAGE_ROOT, 'scripts', 'airflow-venv.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  }).trim();
  // root can create a network namespace directly; anyone else inside a user namespace.
  const unshare = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n'];
  const probe = spawnSync('unshare', [...unshare, 'sh', '-c', 'PATH="$PATH:/usr/sbin:/sbin" ip link set lo up'], {
    stdio: 'ignore',
  });
  const env = { ...process.env, MT_AIRFLOW_VENV_BIN: venvBin };
  if (probe.status !== 0) {
    say('cannot create a network namespace (unshare -n): running in the host network; servers bind 127.0.0.1,');
    say("except Airflow's two log servers, which listen on every interface (Airflow has no setting for their host)");
    await main(venvBin, 'host network');
  } else {
    const child = spawn(
      'unshare',
      [
        ...unshare,
        'sh',
        '-c',
        'PATH="$PATH:/usr/sbin:/sbin" ip link set lo up && exec "$@"',
        'sh',
        process.execPath,
        ...process.argv.slice(1),
      ],
      { stdio: 'inherit', env: { ...env, MT_BENCH_AIRFLOW_NETNS: '1' } },
    );
    // The child cleans up and exits; a Ctrl-C reaches it directly too (same foreground group).
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
    const code = await new Promise<number>((resolve) => child.once('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
    process.exit(code);
  }
} else {
  await main(process.env.MT_AIRFLOW_VENV_BIN ?? '', 'a network namespace holding only loopback');
}

// ---------------------------------------------------------------------------

interface Sample {
  toFirst: number[];
  gaps: number[];
}

async function main(venvBin: string, network: string): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-airflow-'));
  const running = new Set<{ stop(): Promise<void>; killNow?(): void }>();
  const cleanUp = async (): Promise<void> => {
    for (const r of [...running].reverse()) await r.stop().catch((e: unknown) => say(`cleanup: ${String(e)}`));
    running.clear();
  };
  process.once('exit', () => {
    for (const r of running) r.killNow?.();
  });
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      say(`${signal}: stopping everything this bench started`);
      void cleanUp().finally(() => process.exit(130));
    });

  const loadAtStart = os.loadavg()[0] ?? 0;
  try {
    // (a) Latency, Airflow default and tuned, each alternated with our side.
    const oursProject = writeNoopProject(path.join(work, 'ours'), 1);
    const ours = await startTemporalSide(oursProject);
    running.add(ours);
    await ours.runOnce(); // warm-up: loads the workflow bundle
    const results: Array<{ name: string; airflow: Sample; ours: Sample }> = [];
    for (const [name, settings] of [
      ['default', {}],
      ['tuned', TUNED],
    ] as const) {
      const project = writeNoopProject(path.join(work, `airflow-${name}`), 1);
      const dagsFolder = path.join(work, `dags-${name}`);
      exportSchedules(project, dagsFolder, path.join(work, `export-${name}`));
      const airflow = await startAirflow({
        venvBin,
        home: path.join(work, `home-${name}`),
        dagsFolder,
        projectRoot: project.root,
        settings,
        logFile: path.join(work, `airflow-${name}.log`),
      });
      running.add(airflow);
      say(`airflow standalone (${name}) starting, output in ${path.join(work, `airflow-${name}.log`)}`);
      const readyMs = await airflow.waitReady(1, 600_000);
      say(`airflow (${name}) ready after ${fmt(readyMs)}; unpausing the DAG and warming up`);
      const dagId = `meltano_${NOOP_JOB}_${NOOP_JOB}`;
      await airflow.api('PATCH', `/api/v2/dags/${dagId}`, { is_paused: false });
      const warmStart = Date.now();
      await settleRuns(airflow, dagId);
      await triggerAirflowRun(airflow, dagId, project); // warm-up: the first manual run
      say(`airflow (${name}) warm-up runs done in ${fmt(Date.now() - warmStart)}`);
      const sample = { name, airflow: { toFirst: [], gaps: [] } as Sample, ours: { toFirst: [], gaps: [] } as Sample };
      for (let i = 1; i <= runs; i++) {
        const a = await triggerAirflowRun(airflow, dagId, project);
        sample.airflow.toFirst.push(a.toFirstMs);
        sample.airflow.gaps.push(...a.gapsMs);
        const o = await ours.runOnce();
        sample.ours.toFirst.push(o.toFirstMs);
        sample.ours.gaps.push(...o.gapsMs);
        say(`${name}: run ${i}/${runs}`);
      }
      await airflow.stop();
      running.delete(airflow);
      results.push(sample);
    }
    await ours.stop();
    running.delete(ours);

    // (b) Idle footprint with 100 schedules, one side at a time.
    say(`idle footprint with ${IDLE_SCHEDULES} schedules: meltano-temporal up`);
    const oursIdleProject = writeNoopProject(path.join(work, 'ours-idle'), IDLE_SCHEDULES);
    const up = await launchUp(oursIdleProject.root, [], /worker polling task queue/u, 300_000);
    running.add(up);
    const oursIdle = { readyMs: up.ms, ...(await sampleIdle(up.proc.pid ?? 0)) };
    await up.stop();
    running.delete(up);

    say(`idle footprint with ${IDLE_SCHEDULES} DAGs: airflow standalone`);
    const idleProject = writeNoopProject(path.join(work, 'airflow-idle'), IDLE_SCHEDULES);
    const idleDags = path.join(work, 'dags-idle');
    exportSchedules(idleProject, idleDags, path.join(work, 'export-idle'));
    const idleAirflow = await startAirflow({
      venvBin,
      home: path.join(work, 'home-idle'),
      dagsFolder: idleDags,
      projectRoot: idleProject.root,
      logFile: path.join(work, 'airflow-idle.log'),
    });
    running.add(idleAirflow);
    const airflowIdle = {
      readyMs: await idleAirflow.waitReady(IDLE_SCHEDULES, 600_000),
      ...(await sampleIdle(idleAirflow.pid)),
    };
    await idleAirflow.stop();
    running.delete(idleAirflow);

    report(results, airflowIdle, oursIdle, loadAtStart, network);
    rmSync(work, { recursive: true, force: true });
  } catch (e) {
    say(`failed; logs kept in ${work}`);
    throw e;
  } finally {
    await cleanUp();
  }
}

/**
 * What Meltano hands the generated DAG file: `meltano schedule list --format=json`,
 * run with the real meltano on a copy of the project (meltano would replace the
 * project's `.meltano/run/bin`, where the stand-in lives, with a link to itself).
 */
function exportSchedules(project: NoopProject, dagsFolder: string, exportDir: string): void {
  mkdirSync(exportDir, { recursive: true });
  mkdirSync(dagsFolder, { recursive: true });
  copyFileSync(path.join(project.root, 'meltano.yml'), path.join(exportDir, 'meltano.yml'));
  const json = execFileSync(
    path.join(VENV_BIN, 'meltano'),
    ['--log-level=warning', 'schedule', 'list', '--format=json'],
    {
      cwd: exportDir,
      env: { ...process.env, MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false' },
      encoding: 'utf8',
      timeout: 180_000,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const jobs = (JSON.parse(json) as { schedules?: { job?: unknown[] } }).schedules?.job ?? [];
  if (jobs.length !== project.schedules)
    throw new Error(`meltano schedule list gave ${jobs.length} job schedules, not ${project.schedules}:\n${json}`);
  writeFileSync(path.join(dagsFolder, 'schedules.json'), json);
  copyFileSync(
    path.join(PACKAGE_ROOT, 'bench', 'airflow', 'meltano_dags.py'),
    path.join(dagsFolder, 'meltano_dags.py'),
  );
}

interface DagRun {
  dag_run_id: string;
  state: string;
}

/** Waits until the DAG has no queued or running run (unpausing starts one for the last cron time, catchup=False). */
async function settleRuns(airflow: Airflow, dagId: string): Promise<void> {
  const start = Date.now();
  for (;;) {
    const { dag_runs: dagRuns } = await airflow.api<{ dag_runs: DagRun[] }>(
      'GET',
      `/api/v2/dags/${dagId}/dagRuns?limit=20`,
    );
    const failed = dagRuns.find((r) => r.state === 'failed');
    if (failed) throw new Error(`${dagId}: run ${failed.dag_run_id} failed:\n${airflow.tail()}`);
    const active = dagRuns.filter((r) => r.state === 'queued' || r.state === 'running');
    // No run at all after 20 s: unpausing created none (possible right at a cron boundary).
    if (active.length === 0 && (dagRuns.length > 0 || Date.now() - start > 20_000)) return;
    // Up to one 5-minute retry of a task (retries=1, like the generated DAG) plus the run itself.
    if (Date.now() - start > 420_000)
      throw new Error(`${dagId}: runs still active after 420 s: ${JSON.stringify(active)}\n${airflow.tail()}`);
    await sleep(500);
  }
}

/** One run through the REST API, timed like ours: from just before the request to the stamps. */
async function triggerAirflowRun(airflow: Airflow, dagId: string, project: NoopProject): Promise<RunTiming> {
  writeFileSync(project.stamps, '');
  const t0 = Date.now();
  const run = await airflow.api<DagRun>('POST', `/api/v2/dags/${dagId}/dagRuns`, { logical_date: null });
  let timing: RunTiming | null = null;
  const deadline = Date.now() + 180_000;
  // The stamps file only: no API polling while the run is measured.
  while (!(timing = readRun(project.stamps, t0))) {
    if (Date.now() > deadline)
      throw new Error(`${dagId} run ${run.dag_run_id}: 3 tasks not done after 180 s:\n${airflow.tail()}`);
    await sleep(10);
  }
  // max_active_runs=1: the next trigger must not queue behind this run's bookkeeping.
  const runPath = `/api/v2/dags/${dagId}/dagRuns/${encodeURIComponent(run.dag_run_id)}`;
  for (;;) {
    const { state } = await airflow.api<DagRun>('GET', runPath);
    if (state === 'success') return timing;
    if (state === 'failed') throw new Error(`${dagId} run ${run.dag_run_id} failed:\n${airflow.tail()}`);
    if (Date.now() > deadline) throw new Error(`${dagId} run ${run.dag_run_id} still ${state} after 180 s`);
    await sleep(100);
  }
}

/** Median of 5 samples, 2 s apart, taken after SETTLE_MS of idling. */
async function sampleIdle(root: number): Promise<TreeMemory> {
  await sleep(SETTLE_MS);
  const samples: TreeMemory[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(treeMemory(root));
    await sleep(2_000);
  }
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.byName)))];
  return {
    pssKiB: median(samples.map((s) => s.pssKiB)),
    processes: median(samples.map((s) => s.processes)),
    byName: Object.fromEntries(names.map((n) => [n, median(samples.map((s) => s.byName[n] ?? 0))])),
  };
}

function report(
  results: Array<{ name: string; airflow: Sample; ours: Sample }>,
  airflowIdle: TreeMemory & { readyMs: number },
  oursIdle: TreeMemory & { readyMs: number },
  loadAtStart: number,
  network: string,
): void {
  const ms = (values: number[]): string =>
    `${median(values).toFixed(1)} ms (${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)})`;
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}x`;
  const row = (label: string, a: string, b: string, r: string): string =>
    `  ${label.padEnd(40)}${a.padEnd(24)}${b.padEnd(24)}${r}`;
  const out: string[] = [];
  out.push(
    `Airflow ${AIRFLOW_VERSION} (airflow standalone: SQLite, LocalExecutor, DAG as Meltano's Airflow generator writes it) vs meltano-temporal (Temporal dev server + worker)`,
  );
  out.push(
    `host: ${os.cpus().length} cores, shared with other work (load average ${loadAtStart.toFixed(1)} at start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at end); ${network}`,
  );
  out.push(
    `(a) job of 3 no-op tasks, ${runs} runs each after warm-up, Airflow and meltano-temporal alternated; median (min-max)`,
  );
  for (const r of results) {
    out.push(row('', `Airflow ${r.name}${r.name === 'tuned' ? ' *' : ''}`, 'meltano-temporal', 'ratio'));
    out.push(
      row(
        'trigger -> first task process start',
        ms(r.airflow.toFirst),
        ms(r.ours.toFirst),
        ratio(median(r.airflow.toFirst), median(r.ours.toFirst)),
      ),
    );
    out.push(
      row(
        `task exit -> next task start (${r.airflow.gaps.length} gaps)`,
        ms(r.airflow.gaps),
        ms(r.ours.gaps),
        ratio(median(r.airflow.gaps), median(r.ours.gaps)),
      ),
    );
  }
  out.push(
    `  * tuned: ${Object.entries(TUNED)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')} (default 1: how long the scheduler sleeps after a loop that found nothing to do)`,
  );
  out.push(
    `  trigger: Airflow POST /api/v2/dags/<dag>/dagRuns; meltano-temporal starts the workflow (gRPC), as its schedule does`,
  );
  out.push(
    `(b) idle with ${IDLE_SCHEDULES} schedules of that job, ${SETTLE_MS / 1000} s after ready, median of 5 samples 2 s apart`,
  );
  out.push(row('', 'Airflow default', 'meltano-temporal', 'ratio'));
  out.push(
    row(
      'PSS of the whole process tree',
      `${(airflowIdle.pssKiB / 1024).toFixed(0)} MiB`,
      `${(oursIdle.pssKiB / 1024).toFixed(0)} MiB`,
      ratio(airflowIdle.pssKiB, oursIdle.pssKiB),
    ),
  );
  // Whose part is whose: the embedded Temporal server (Temporal's own binary) and our `up` process (CLI and worker).
  const server = oursIdle.byName.temporal ?? 0;
  const own = oursIdle.pssKiB - server;
  out.push(row('  of it: the Temporal dev server', '', `${(server / 1024).toFixed(0)} MiB`, ''));
  out.push(
    row(
      '  of it: our up process (CLI, worker)',
      '',
      `${(own / 1024).toFixed(0)} MiB`,
      `${ratio(airflowIdle.pssKiB, own)} (Airflow's tree vs our own part)`,
    ),
  );
  out.push(row('processes', String(airflowIdle.processes), String(oursIdle.processes), ''));
  out.push(
    row(
      'launch -> ready',
      fmt(airflowIdle.readyMs),
      fmt(oursIdle.readyMs),
      ratio(airflowIdle.readyMs, oursIdle.readyMs),
    ),
  );
  out.push(
    `  Airflow: ${IDLE_SCHEDULES} DAGs from one file, paused as Airflow creates them (unpausing would start ${IDLE_SCHEDULES} catch-up runs); ready = API up, all components healthy, all DAGs listed, execution API answering; fresh AIRFLOW_HOME (database migration included)`,
  );
  out.push(
    `  meltano-temporal: \`up\` (worker + embedded Temporal server), ${IDLE_SCHEDULES} active Temporal Schedules; ready = schedules synced and worker polling; fresh project`,
  );
  console.log(out.join('\n'));
}
