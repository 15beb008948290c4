/**
 * Orchestration overhead with no-op tasks: a job of 3 tasks whose `meltano`
 * is a script that records when it starts and exits and does nothing else
 * (bench/noop-job.ts). Over N runs (default 20): time from starting the
 * workflow to the first task's process start, and the gap between one task's
 * exit and the next task's start. Real dev server, real worker, medians;
 * then where each boundary's time goes (bench/task-boundary.ts) and what a
 * run costs the server (workflow tasks, activity tasks, history events).
 * `npm run bench -- airflow` runs the same job side by side with Airflow.
 *
 *   npm run bench -- orchestration [runs]
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTemporalSide, writeNoopProject } from './noop-job.js';
import { FIRST_SEGMENTS, GAP_SEGMENTS, type Breakdown } from './task-boundary.js';
import { median } from './util.js';

const runs = Number(process.argv[2] ?? 20);
const project = writeNoopProject(mkdtempSync(path.join(os.tmpdir(), 'bench-orch-')), 0);
const ours = await startTemporalSide(project);
const toFirst: number[] = [];
const gaps: number[] = [];
const total: number[] = [];
const breakdowns: Breakdown[] = [];
try {
  await ours.runOnce(); // warm-up: the first run loads the workflow bundle
  for (let i = 1; i <= runs; i++) {
    const run = await ours.runOnce();
    toFirst.push(run.toFirstMs);
    gaps.push(...run.gapsMs);
    total.push(run.totalMs);
    breakdowns.push(run.breakdown);
    process.stderr.write(`run ${i}/${runs}\r`);
  }
} finally {
  await ours.stop();
}
console.log(
  `orchestration overhead, job of 3 no-op tasks, ${runs} runs (after 1 warm-up), real dev server + worker on this host`,
);
console.log(
  `  start workflow -> first task process start   median ${median(toFirst).toFixed(0)} ms   (min ${Math.min(...toFirst)} max ${Math.max(...toFirst)})`,
);
console.log(
  `  task exit -> next task process start         median ${median(gaps).toFixed(0)} ms   (min ${Math.min(...gaps)} max ${Math.max(...gaps)}, ${gaps.length} gaps)`,
);
console.log(`  whole run (3 tasks)                          median ${median(total).toFixed(0)} ms`);
// Where the time goes: server event times (history) and the stand-in's stamps, one clock (same host).
const row = (label: string, values: number[]): string =>
  `    ${label.padEnd(84)} ${median(values).toFixed(1).padStart(6)} ms`;
const gapRows = breakdowns.flatMap((b) => b.gaps);
console.log(`  task exit -> next task start, by part (median of ${gapRows.length} gaps):`);
for (const [key, label] of GAP_SEGMENTS)
  console.log(
    row(
      label,
      gapRows.map((g) => g[key]),
    ),
  );
console.log(
  `    ${'sum of the parts, per gap'.padEnd(84)} ${median(
    gapRows.map((g) => GAP_SEGMENTS.reduce((sum, [k]) => sum + g[k], 0)),
  )
    .toFixed(1)
    .padStart(6)} ms`,
);
console.log(`  start workflow -> first task start, by part (median of ${breakdowns.length} runs):`);
for (const [key, label] of FIRST_SEGMENTS)
  console.log(
    row(
      label,
      breakdowns.map((b) => b.first[key]),
    ),
  );
const cost = breakdowns[breakdowns.length - 1]?.cost;
if (cost)
  console.log(
    `  per run (3 tasks): ${cost.workflowTasks} workflow tasks, ${cost.activityTasks} activity tasks, ` +
      `${cost.localActivities} local activity (resolveJob), ${cost.events} history events`,
  );
console.log('  Airflow 3 on the same job, side by side: npm run bench -- airflow');
console.log('reproduce: npm run bench -- orchestration');
