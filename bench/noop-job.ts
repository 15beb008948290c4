/**
 * The no-op job the orchestration benchmarks run: a Meltano project with job
 * `three` (tasks noop:a, noop:b, noop:c) whose `meltano` is a stand-in that
 * appends its start and exit times to a stamps file and does nothing else,
 * plus our side of the measurement: a real Temporal dev server and worker
 * running that job.
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, projectDevServerFile, startDevServer } from '../src/temporal/dev-server.js';
import { runWorker } from '../src/temporal/worker.js';
import { meltanoJob } from '../workflows/index.js';
import { breakdown, type Breakdown } from './task-boundary.js';

export const NOOP_JOB = 'three';

export interface NoopProject {
  root: string;
  /** The stand-in `meltano`, at the project's `.meltano/run/bin` (where Meltano's Airflow DAG looks first). */
  stub: string;
  stamps: string;
  /** How many schedules meltano.yml has. */
  schedules: number;
}

/**
 * Writes the project into `root`: meltano.yml with the job and `schedules`
 * schedules running it (@daily; the first is named like the job, the others
 * `three-<n>`), and the stand-in at `.meltano/run/bin`, which sleeps
 * `taskSeconds` between its stamps (0: none, a no-op task).
 */
export function writeNoopProject(root: string, schedules: number, taskSeconds = 0): NoopProject {
  const stamps = path.join(root, 'stamps.txt');
  const stub = path.join(root, '.meltano', 'run', 'bin');
  mkdirSync(path.dirname(stub), { recursive: true });
  // Epoch seconds with microseconds at start and at exit, from bash's own clock ($EPOCHREALTIME): no
  // process is started to read the time. Until 2026-12-06 the stand-in was `sh` running `date +%s%3N`
  // twice, which put a fork and exec of `date` inside every measured gap (about 0.9 ms, measured side
  // by side) and rounded each stamp to the millisecond.
  const sleep = taskSeconds > 0 ? `sleep ${taskSeconds}\n` : '';
  writeFileSync(
    stub,
    `#!/bin/bash\necho "start $EPOCHREALTIME" >> ${stamps}\n${sleep}echo "end $EPOCHREALTIME" >> ${stamps}\n`,
  );
  chmodSync(stub, 0o755);
  writeFileSync(stamps, '');
  let yml = `plugins:
  utilities:
  - name: noop
    namespace: noop
jobs:
- name: ${NOOP_JOB}
  tasks:
  - noop:a
  - noop:b
  - noop:c
`;
  if (schedules > 0) yml += 'schedules:\n';
  for (let i = 0; i < schedules; i++)
    yml += `- name: ${i === 0 ? NOOP_JOB : `${NOOP_JOB}-${i}`}\n  interval: '@daily'\n  job: ${NOOP_JOB}\n`;
  writeFileSync(path.join(root, 'meltano.yml'), yml);
  return { root, stub, stamps, schedules };
}

/** One run's overheads, from the stamps and the moment the run was asked for (epoch ms). */
export interface RunTiming {
  /** Request -> first task process start. */
  toFirstMs: number;
  /** Each task exit -> next task process start. */
  gapsMs: number[];
  /** The stamps themselves (epoch ms): each task's process start and exit. */
  starts: number[];
  ends: number[];
}

/** Reads the stamps of one run (the file is emptied before each run); null until all 3 tasks have exited. */
export function readRun(stampsFile: string, requestedAt: number): RunTiming | null {
  const lines = readFileSync(stampsFile, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')) as Array<[string, string]>;
  // The stand-in writes epoch seconds (with microseconds); the figures are epoch milliseconds.
  const ms = (v: string): number => Number(v) * 1000;
  const starts = lines.filter(([k]) => k === 'start').map(([, v]) => ms(v));
  const ends = lines.filter(([k]) => k === 'end').map(([, v]) => ms(v));
  if (ends.length < 3) return null;
  if (starts.length !== 3 || ends.length !== 3)
    throw new Error(`${stampsFile}: expected 3 task runs, got ${lines.length / 2}`);
  const gapsMs: number[] = [];
  for (let k = 1; k < starts.length; k++) gapsMs.push((starts[k] as number) - (ends[k - 1] as number));
  return { toFirstMs: (starts[0] as number) - requestedAt, gapsMs, starts, ends };
}

type TimedRun = RunTiming & { totalMs: number; breakdown: Breakdown };

/**
 * One run of the job, started by `start` (given the start's epoch ms, for a unique id), waited for, then
 * timed from the stand-in's stamps and broken down from its history.
 */
export async function timedRun(
  project: NoopProject,
  start: (t0: number) => Promise<WorkflowHandle>,
): Promise<TimedRun> {
  writeFileSync(project.stamps, '');
  const t0 = Date.now();
  const p0 = performance.now();
  const handle = await start(t0);
  await handle.result();
  const totalMs = performance.now() - p0;
  const timing = readRun(project.stamps, t0);
  if (!timing) throw new Error(`run ${handle.workflowId} finished but ${project.stamps} has fewer than 3 task exits`);
  const history = await handle.fetchHistory();
  return { ...timing, totalMs, breakdown: breakdown(history.events ?? [], timing.starts, timing.ends, t0) };
}

export interface TemporalSide {
  /** The dev server's address. */
  address: string;
  /** Starts one run of the job and waits for it to finish; with where the time went, from its history. */
  runOnce(): Promise<TimedRun>;
  stop(): Promise<void>;
}

export interface SideOptions {
  /**
   * The settings before issue 27, to print old and new side by side in one run: the dev server with the
   * transfer throttle at the server's default (20/s) and SQLite's default journal, the worker with one
   * activity poller per slot (the SDK's default, which left no slot free for eager dispatch).
   */
  before?: boolean;
  /** The worker's task slots (default 4, as `worker` and `up` have). */
  slots?: number;
}

/** The old settings (SideOptions.before) as dev server options. */
export const BEFORE_SERVER = { dynamicConfig: { 'history.transferProcessorMaxPollRPS': 20 }, sqlitePragmas: {} };

/** Our side: a dev server and a worker for the project; runs are started as workflows, like a schedule does. */
export async function startTemporalSide(project: NoopProject, options: SideOptions = {}): Promise<TemporalSide> {
  process.env.MELTANO_BIN = project.stub;
  const slots = options.slots ?? 4;
  const dbFile = projectDevServerFile(project.root);
  const server = await startDevServer({
    dbFile: options.before ? dbFile.replace(/\.sqlite$/u, '-before.sqlite') : dbFile,
    port: await freePort(),
    uiPort: await freePort(),
    ...(options.before ? BEFORE_SERVER : {}),
  });
  const abort = new AbortController();
  const worker = runWorker({
    projectRoot: project.root,
    connection: { address: server.address, namespace: 'default', addressGiven: true },
    taskQueue: 'bench',
    signal: abort.signal,
    maxConcurrentTasks: slots,
    ...(options.before ? { activityPollers: Math.min(10, slots) } : {}),
  });
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: server.address });
  } catch (e) {
    abort.abort();
    await worker;
    await server.stop();
    throw e;
  }
  const client = new Client({ connection });
  let n = 0;
  return {
    address: server.address,
    runOnce: () =>
      timedRun(project, (t0) =>
        client.workflow.start(meltanoJob, {
          taskQueue: 'bench',
          workflowId: `bench-${n++}-${t0}`,
          args: [{ projectRoot: project.root, job: NOOP_JOB }],
          workflowExecutionTimeout: '2 minutes',
        }),
      ),
    async stop() {
      abort.abort();
      await worker;
      await connection.close();
      await server.stop();
    },
  };
}
