/**
 * Orchestration overhead with no-op tasks: a job of 3 tasks whose `meltano`
 * (MELTANO_BIN) is a script that records when it starts and exits and does
 * nothing else. Over N runs (default 20): time from starting the workflow to
 * the first task's process start, and the gap between one task's exit and the
 * next task's start. Real dev server, real worker, medians.
 *
 *   npm run bench -- orchestration [runs]
 */
import { Client, Connection } from '@temporalio/client';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDevServer } from '../src/temporal/dev-server.js';
import { runWorker } from '../src/temporal/worker.js';
import { meltanoJob } from '../workflows/index.js';
import { median } from './util.js';

const runs = Number(process.argv[2] ?? 20);
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-orch-'));
const stamps = path.join(dir, 'stamps.txt');
const fake = path.join(dir, 'fake-meltano');
// Epoch milliseconds at start and at exit; the shell is the only cost.
writeFileSync(fake, `#!/bin/sh\necho "start $(date +%s%3N)" >> ${stamps}\necho "end $(date +%s%3N)" >> ${stamps}\n`);
chmodSync(fake, 0o755);
writeFileSync(
  path.join(dir, 'meltano.yml'),
  `plugins:
  utilities:
  - name: noop
    namespace: noop
jobs:
- name: three
  tasks:
  - noop:a
  - noop:b
  - noop:c
`,
);
process.env.MELTANO_BIN = fake;

const server = await startDevServer({
  projectRoot: dir,
  port: 17233 + Math.floor(Math.random() * 1000),
  uiPort: 19233 + Math.floor(Math.random() * 1000),
});
const abort = new AbortController();
const worker = runWorker({
  projectRoot: dir,
  connection: { address: server.address, namespace: 'default', addressGiven: true },
  taskQueue: 'bench',
  signal: abort.signal,
  maxConcurrentTasks: 1,
});
const client = new Client({ connection: await Connection.connect({ address: server.address }) });
const toFirst: number[] = [];
const gaps: number[] = [];
const total: number[] = [];
try {
  for (let i = 0; i <= runs; i++) {
    writeFileSync(stamps, '');
    const t0 = Date.now();
    const p0 = performance.now();
    await client.workflow.execute(meltanoJob, {
      taskQueue: 'bench',
      workflowId: `bench-${i}-${t0}`,
      args: [{ projectRoot: dir, job: 'three' }],
    });
    const elapsed = performance.now() - p0;
    const lines = readFileSync(stamps, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')) as Array<[string, string]>;
    const starts = lines.filter(([k]) => k === 'start').map(([, v]) => Number(v));
    const ends = lines.filter(([k]) => k === 'end').map(([, v]) => Number(v));
    if (i === 0) continue; // warm-up: the first run loads the workflow bundle
    toFirst.push((starts[0] ?? 0) - t0);
    for (let k = 1; k < starts.length; k++) gaps.push((starts[k] ?? 0) - (ends[k - 1] ?? 0));
    total.push(elapsed);
    process.stderr.write(`run ${i}/${runs}\r`);
  }
} finally {
  abort.abort();
  await worker;
  await client.connection.close();
  await server.stop();
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
console.log(
  '  for comparison: Airflow schedules a downstream task on its scheduler loop (default heartbeat 5 s); not run here',
);
console.log('reproduce: npm run bench -- orchestration');
