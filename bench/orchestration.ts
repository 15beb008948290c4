/**
 * Orchestration overhead with no-op tasks: a job of 3 tasks whose `meltano`
 * is a script that records when it starts and exits and does nothing else
 * (bench/noop-job.ts). Over N runs (default 20): time from starting the
 * workflow to the first task's process start, and the gap between one task's
 * exit and the next task's start. Real dev servers, real workers, medians;
 * then where each boundary's time goes (bench/task-boundary.ts) and what a
 * run costs the server (workflow tasks, activity tasks, history events).
 *
 * Three sides in one run, each on its own dev server or task queue; without
 * `--pause-ms` each side's runs come back to back in one block (a burst, as the
 * transfer throttle sees it), with it the sides take turns run by run:
 * - before: the settings before issue 27 (SideOptions.before: the server's
 *   default transfer throttle and SQLite journal, one activity poller per slot);
 * - now: the embedded server and worker as `up` starts them;
 * - bare SDK: the same job on a worker written the way the SDK's samples write
 *   one (bench/bare-sdk-side.ts), on the "now" server: what the SDK and the
 *   server cost by themselves.
 * `--pause-ms N` waits N ms after each run (sporadic runs: the throttle's
 * bucket refills); `--task-seconds S` makes each task last S seconds.
 * `npm run bench -- airflow` runs the same job side by side with Airflow.
 *
 *   npm run bench -- orchestration [runs] [--pause-ms N] [--task-seconds S]
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBareSide } from './bare-sdk-side.js';
import { startTemporalSide, writeNoopProject, type TemporalSide } from './noop-job.js';
import { FIRST_SEGMENTS, GAP_SEGMENTS, type Breakdown } from './task-boundary.js';
import { median } from './util.js';
import { createActivities } from '../activities/index.js';
import { ACTIVITY } from '../workflows/contract.js';
import { performance } from 'node:perf_hooks';

const { values, positionals } = parseArgs({
  options: { 'pause-ms': { type: 'string', default: '0' }, 'task-seconds': { type: 'string', default: '0' } },
  allowPositionals: true,
});
const runs = Number(positionals[0] ?? 20);
const pauseMs = Number(values['pause-ms']);
const taskSeconds = Number(values['task-seconds']);
const project = writeNoopProject(mkdtempSync(path.join(os.tmpdir(), 'bench-orch-')), 0, taskSeconds);

interface Figures {
  name: string;
  toFirst: number[];
  gaps: number[];
  total: number[];
  breakdowns: Breakdown[];
}
const figures = (name: string): Figures => ({ name, toFirst: [], gaps: [], total: [], breakdowns: [] });
const sides = [figures('before'), figures('now'), figures('bare SDK')] as const;
const [before, now, bare] = sides;

async function record(side: TemporalSide, into: Figures): Promise<void> {
  const run = await side.runOnce();
  into.toFirst.push(run.toFirstMs);
  into.gaps.push(...run.gapsMs);
  into.total.push(run.totalMs);
  into.breakdowns.push(run.breakdown);
}

/** Back to back: each side's runs in one block, so the before server's throttle sees a burst. */
async function blocks(pairs: Array<[TemporalSide, Figures]>): Promise<void> {
  for (const [side, into] of pairs) {
    await side.runOnce(); // warm-up: the first run loads the workflow bundle
    for (let i = 1; i <= runs; i++) {
      await record(side, into);
      process.stderr.write(`${into.name}: run ${i}/${runs}\r`);
    }
  }
}

/** Sporadic: the sides in turn, run by run, then the pause; a change of the host's load hits all alike. */
async function rounds(pairs: Array<[TemporalSide, Figures]>): Promise<void> {
  for (const [side] of pairs) await side.runOnce(); // warm-up
  for (let i = 1; i <= runs; i++) {
    for (const [side, into] of pairs) {
      await record(side, into);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
    process.stderr.write(`round ${i}/${runs}\r`);
  }
}

const beforeSide = await startTemporalSide(project, { before: true });
let nowSide: TemporalSide | undefined;
let bareSide: TemporalSide | undefined;
try {
  nowSide = await startTemporalSide(project);
  bareSide = await startBareSide(project, nowSide.address);
  const pairs: Array<[TemporalSide, Figures]> = [
    [beforeSide, before],
    [nowSide, now],
    [bareSide, bare],
  ];
  await (pauseMs > 0 ? rounds(pairs) : blocks(pairs));
} finally {
  await bareSide?.stop();
  await nowSide?.stop();
  await beforeSide.stop();
}

// Our own part of the first workflow task: resolveJob itself, in this process (its modules loaded, as in a
// worker after its first run); the rest of that workflow task is the SDK's local-activity round trip.
const resolve = createActivities({ projectRoot: project.root })[ACTIVITY.resolveJob];
const resolveMs: number[] = [];
for (let i = 0; i < 50; i++) {
  const t = performance.now();
  await resolve({ projectRoot: project.root, job: 'three' });
  resolveMs.push(performance.now() - t);
}

const spread = (v: number[]): string =>
  `median ${median(v).toFixed(1)} ms   (min ${Math.min(...v).toFixed(1)} max ${Math.max(...v).toFixed(1)})`;
const kind = taskSeconds > 0 ? `${taskSeconds}-second tasks` : 'no-op tasks';
const rhythm =
  pauseMs > 0
    ? `sporadic: the sides in turn, ${pauseMs} ms pause after each run`
    : 'back to back (a burst), one side after the other';
console.log(
  `orchestration overhead, job of 3 ${kind}, ${runs} runs per side (after 1 warm-up), ${rhythm}; load ${os.loadavg()[0]?.toFixed(2)}`,
);
console.log(
  '  before: dev server with the default transfer throttle (20/s) and SQLite journal, worker with 4 slots and 4 activity pollers',
);
console.log(
  '  now:    dev server and worker as `up` starts them (throttle 1000/s, WAL + synchronous=normal, 4 slots and 1 activity poller)',
);
console.log('  bare SDK: a worker with SDK defaults (1 slot) on the "now" server');
const lines = (label: string, pick: (f: Figures) => number[], extra = ''): void => {
  for (const [i, f] of sides.entries())
    console.log(`  ${(i === 0 ? label : '').padEnd(45)}${f.name.padEnd(9)} ${spread(pick(f))}${i === 0 ? extra : ''}`);
};
lines('start workflow -> first task process start', (f) => f.toFirst);
lines('task exit -> next task process start', (f) => f.gaps, `, ${before.gaps.length} gaps`);
lines('whole run (3 tasks)', (f) => f.total.map(Math.round));
// Where the time goes: server event times (history) and the stand-in's stamps, one clock (same host).
const head = `    ${'part'.padEnd(84)} ${sides.map((f) => f.name.padStart(9)).join(' ')}`;
const row = (label: string, pick: (f: Figures) => number[]): string =>
  `    ${label.padEnd(84)} ${sides.map((f) => `${median(pick(f)).toFixed(1).padStart(6)} ms`).join(' ')}`;
const gapRows = (f: Figures) => f.breakdowns.flatMap((b) => b.gaps);
console.log(`  task exit -> next task start, by part (median of ${gapRows(now).length} gaps each):`);
console.log(head);
for (const [key, label] of GAP_SEGMENTS) console.log(row(label, (f) => gapRows(f).map((g) => g[key])));
console.log(
  row('sum of the parts, per gap', (f) => gapRows(f).map((g) => GAP_SEGMENTS.reduce((s, [k]) => s + g[k], 0))),
);
console.log(`  start workflow -> first task start, by part (median of ${now.breakdowns.length} runs each):`);
console.log(head);
for (const [key, label] of FIRST_SEGMENTS) console.log(row(label, (f) => f.breakdowns.map((b) => b.first[key])));
console.log(
  `    of that workflow task, resolveJob itself (meltano.yml read, job resolved; in-process, 50 calls): median ${median(resolveMs).toFixed(2)} ms (max ${Math.max(...resolveMs).toFixed(2)})`,
);
// An activity handed back with the workflow task's completion starts at that moment (eager dispatch).
const eager = (f: Figures): string => {
  const d = gapRows(f).map((g) => g['wft->activity']);
  return `${d.filter((x) => x < 0.5).length}/${d.length}`;
};
console.log(
  `  boundaries whose activity started within 0.5 ms of the workflow task's completion (eager): ${sides.map((f) => `${f.name} ${eager(f)}`).join(', ')}`,
);
const cost = (f: Figures) => f.breakdowns[f.breakdowns.length - 1]?.cost;
const costText = (c: Breakdown['cost'] | undefined): string =>
  c
    ? `${c.workflowTasks} workflow tasks, ${c.activityTasks} activity tasks, ${c.localActivities} local activity, ${c.events} history events`
    : 'none';
console.log(`  per run (3 tasks): ours ${costText(cost(now))} (the local activity: resolveJob)`);
console.log(`                     bare SDK ${costText(cost(bare))}`);
console.log('  Airflow 3 on the same job, side by side: npm run bench -- airflow');
console.log(
  `reproduce: npm run bench -- orchestration ${runs}${pauseMs ? ` --pause-ms ${pauseMs}` : ''}${taskSeconds ? ` --task-seconds ${taskSeconds}` : ''}`,
);
