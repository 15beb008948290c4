/**
 * Orchestration overhead with no-op tasks: a job of 3 tasks whose `meltano`
 * is a script that records when it starts and exits and does nothing else
 * (bench/noop-job.ts). Over N runs (default 20): time from starting the
 * workflow to the first task's process start, and the gap between one task's
 * exit and the next task's start. Real dev server, real worker, medians;
 * then where each boundary's time goes (bench/task-boundary.ts) and what a
 * run costs the server (workflow tasks, activity tasks, history events).
 * Side by side, alternating run by run on the same server: the same job on a
 * worker written with the bare SDK (bench/bare-sdk-side.ts), so each part
 * shows what the SDK and the server cost by themselves and what is ours.
 * `npm run bench -- airflow` runs the same job side by side with Airflow.
 *
 *   npm run bench -- orchestration [runs]
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBareSide } from './bare-sdk-side.js';
import { startTemporalSide, writeNoopProject, type TemporalSide } from './noop-job.js';
import { FIRST_SEGMENTS, GAP_SEGMENTS, type Breakdown } from './task-boundary.js';
import { median } from './util.js';

const runs = Number(process.argv[2] ?? 20);
const project = writeNoopProject(mkdtempSync(path.join(os.tmpdir(), 'bench-orch-')), 0);

interface Figures {
  toFirst: number[];
  gaps: number[];
  total: number[];
  breakdowns: Breakdown[];
}
const figures = (): Figures => ({ toFirst: [], gaps: [], total: [], breakdowns: [] });
const ours = figures();
const bare = figures();

async function record(side: TemporalSide, into: Figures): Promise<void> {
  const run = await side.runOnce();
  into.toFirst.push(run.toFirstMs);
  into.gaps.push(...run.gapsMs);
  into.total.push(run.totalMs);
  into.breakdowns.push(run.breakdown);
}

const oursSide = await startTemporalSide(project);
let bareSide: TemporalSide | undefined;
try {
  bareSide = await startBareSide(project, oursSide.address);
  // Warm-up: the first run of each loads its workflow bundle.
  await oursSide.runOnce();
  await bareSide.runOnce();
  for (let i = 1; i <= runs; i++) {
    await record(oursSide, ours);
    await record(bareSide, bare);
    process.stderr.write(`run ${i}/${runs}\r`);
  }
} finally {
  await bareSide?.stop();
  await oursSide.stop();
}

const spread = (v: number[]): string =>
  `median ${median(v).toFixed(0)} ms   (min ${Math.min(...v)} max ${Math.max(...v)})`;
console.log(
  `orchestration overhead, job of 3 no-op tasks, ${runs} runs each (after 1 warm-up), real dev server on this host;`,
);
console.log(`ours and a bare-SDK worker running the same job on the same server, run by run in turn`);
console.log(`  start workflow -> first task process start   ours ${spread(ours.toFirst)}`);
console.log(`                                               bare SDK ${spread(bare.toFirst)}`);
console.log(`  task exit -> next task process start         ours ${spread(ours.gaps)}, ${ours.gaps.length} gaps`);
console.log(`                                               bare SDK ${spread(bare.gaps)}`);
console.log(
  `  whole run (3 tasks)                          ours median ${median(ours.total).toFixed(0)} ms, bare SDK ${median(bare.total).toFixed(0)} ms`,
);
// Where the time goes: server event times (history) and the stand-in's stamps, one clock (same host).
const head = `    ${'part'.padEnd(84)} ${'ours'.padStart(8)} ${'bare SDK'.padStart(9)} ${'ours-bare'.padStart(10)}`;
const row = (label: string, a: number[], b: number[]): string =>
  `    ${label.padEnd(84)} ${median(a).toFixed(1).padStart(5)} ms ${median(b).toFixed(1).padStart(6)} ms ${(median(a) - median(b)).toFixed(1).padStart(7)} ms`;
const gapRows = (f: Figures) => f.breakdowns.flatMap((b) => b.gaps);
console.log(`  task exit -> next task start, by part (median of ${gapRows(ours).length} gaps each):`);
console.log(head);
for (const [key, label] of GAP_SEGMENTS)
  console.log(
    row(
      label,
      gapRows(ours).map((g) => g[key]),
      gapRows(bare).map((g) => g[key]),
    ),
  );
const sum = (f: Figures) => gapRows(f).map((g) => GAP_SEGMENTS.reduce((s, [k]) => s + g[k], 0));
console.log(row('sum of the parts, per gap', sum(ours), sum(bare)));
console.log(`  start workflow -> first task start, by part (median of ${ours.breakdowns.length} runs each):`);
console.log(head);
for (const [key, label] of FIRST_SEGMENTS)
  console.log(
    row(
      label,
      ours.breakdowns.map((b) => b.first[key]),
      bare.breakdowns.map((b) => b.first[key]),
    ),
  );
const cost = (f: Figures) => f.breakdowns[f.breakdowns.length - 1]?.cost;
const costText = (c: Breakdown['cost'] | undefined): string =>
  c
    ? `${c.workflowTasks} workflow tasks, ${c.activityTasks} activity tasks, ${c.localActivities} local activity, ${c.events} history events`
    : 'none';
console.log(`  per run (3 tasks): ours ${costText(cost(ours))} (the local activity: resolveJob)`);
console.log(`                     bare SDK ${costText(cost(bare))}`);
console.log('  Airflow 3 on the same job, side by side: npm run bench -- airflow');
console.log('reproduce: npm run bench -- orchestration');
