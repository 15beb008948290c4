/**
 * Orchestration overhead with no-op tasks: a job of 3 tasks whose `meltano`
 * is a script that records when it starts and exits and does nothing else
 * (bench/noop-job.ts). Over N runs (default 20): time from starting the
 * workflow to the first task's process start, and the gap between one task's
 * exit and the next task's start. Real dev server, real worker, medians.
 * `npm run bench -- airflow` runs the same job side by side with Airflow.
 *
 *   npm run bench -- orchestration [runs]
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTemporalSide, writeNoopProject } from './noop-job.js';
import { median } from './util.js';

const runs = Number(process.argv[2] ?? 20);
const project = writeNoopProject(mkdtempSync(path.join(os.tmpdir(), 'bench-orch-')), 0);
const ours = await startTemporalSide(project);
const toFirst: number[] = [];
const gaps: number[] = [];
const total: number[] = [];
try {
  await ours.runOnce(); // warm-up: the first run loads the workflow bundle
  for (let i = 1; i <= runs; i++) {
    const run = await ours.runOnce();
    toFirst.push(run.toFirstMs);
    gaps.push(...run.gapsMs);
    total.push(run.totalMs);
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
console.log('  Airflow 3 on the same job, side by side: npm run bench -- airflow');
console.log('reproduce: npm run bench -- orchestration');
