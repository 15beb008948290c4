/**
 * Pools and `after`: what they cost a run. On a dev server with one worker (4 task slots) and a stand-in
 * `meltano` that stamps its start and exit:
 *
 * - hand-over: N runs of a one-task job started at once in a pool of one; from one run's task exit to the
 *   next run's task start (the release signal, the pool's workflow task, the grant signal, the run's
 *   workflow task, the activity dispatch, the process start);
 * - a free pool: request -> first task start of a run in a pool nobody holds (the pool's workflow is
 *   started by signal-with-start) against the same run without a pool, alternating, R rounds;
 * - after: two upstream schedules started together, R rounds; from the later upstream task's exit to the
 *   downstream's first task start (the upstream's release, the coordinator, the downstream's start).
 *
 * `npm run bench -- pipelines [N] [R]`
 */
import { Client, Connection } from '@temporalio/client';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectDevServerFile, startDevServer } from '../src/temporal/dev-server.js';
import { runWorker } from '../src/temporal/worker.js';
import { meltanoJob } from '../workflows/index.js';
import type { JobRunInput } from '../workflows/types.js';
import { fmt, median } from './util.js';
import { waitFor } from '../src/util/wait.js';
import { loadProject } from '../src/project/load.js';
import { desiredSchedule, scheduleOptions, type MappingContext } from '../src/temporal/schedule-mapping.js';

const N = Number(process.argv[2] ?? 8);
const R = Number(process.argv[3] ?? 5);

const root = path.join(os.tmpdir(), `mt-bench-pipelines-${process.pid}`);
const stamps = path.join(root, 'stamps.txt');
const stub = path.join(root, '.meltano', 'run', 'bin');
mkdirSync(path.dirname(stub), { recursive: true });
// Start and exit in epoch ms, with the process id to pair them and the schedule (its env) when there is one.
writeFileSync(
  stub,
  `#!/bin/sh\necho "start $(date +%s%3N) $$ \${STAMP_NAME:-}" >> ${stamps}\nsleep 0.3\necho "end $(date +%s%3N) $$ \${STAMP_NAME:-}" >> ${stamps}\n`,
);
chmodSync(stub, 0o755);
writeFileSync(
  path.join(root, 'meltano.yml'),
  `plugins:\n  utilities:\n  - name: noop\n    namespace: noop\njobs:\n- name: one\n  tasks:\n  - noop:a\nschedules:\n${[
    'a',
    'b',
    'dbt',
  ]
    .map(
      (name) =>
        `- name: ${name}\n  interval: '@manual'\n  job: one\n  env:\n    STAMP_NAME: ${name}\n${name === 'dbt' ? '  annotations:\n    temporal:\n      after: [a, b]\n' : ''}`,
    )
    .join('')}`,
);

type Task = { start: number; end: number; name: string };
function tasks(): Task[] {
  const byPid = new Map<string, Partial<Task>>();
  for (const line of readFileSync(stamps, 'utf8').trim().split('\n').filter(Boolean)) {
    const [kind, at, pid, name = ''] = line.split(' ') as [string, string, string, string?];
    const t = byPid.get(pid) ?? { name };
    if (kind === 'start') t.start = Number(at);
    else t.end = Number(at);
    byPid.set(pid, t);
  }
  return [...byPid.values()].filter((t): t is Task => t.start !== undefined && t.end !== undefined);
}

process.env.MELTANO_BIN = stub;
const server = await startDevServer({
  dbFile: projectDevServerFile(root),
  port: 17233 + Math.floor(Math.random() * 1000),
  uiPort: 19233 + Math.floor(Math.random() * 1000),
});
const abort = new AbortController();
const worker = runWorker({
  projectRoot: root,
  connection: { address: server.address, namespace: 'default', addressGiven: true },
  taskQueue: 'bench',
  signal: abort.signal,
  maxConcurrentTasks: 4,
});
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });
let n = 0;
const input = (pool?: string): JobRunInput => ({
  projectRoot: root,
  job: 'one',
  project: 'bench',
  ...(pool ? { pool: { name: pool, size: 1 } } : {}),
});
const start = (pool?: string) =>
  client.workflow.start(meltanoJob, { taskQueue: 'bench', workflowId: `bench-${n++}`, args: [input(pool)] });

try {
  // Warm-up: the worker's first workflow and activity tasks.
  await (await start()).result();
  await (await start('warm')).result();

  writeFileSync(stamps, '');
  const handles = await Promise.all(Array.from({ length: N }, () => start('handover')));
  await Promise.all(handles.map((h) => h.result()));
  const ordered = tasks().sort((a, b) => a.start - b.start);
  const handovers = ordered.slice(1).map((t, k) => t.start - (ordered[k] as Task).end);
  const overlaps = handovers.filter((h) => h < 0).length;

  const free: number[] = [];
  const plain: number[] = [];
  for (let r = 0; r < R; r++) {
    for (const [pool, into] of [
      ['free', free],
      [undefined, plain],
    ] as const) {
      writeFileSync(stamps, '');
      const t0 = Date.now();
      await (await start(pool)).result();
      into.push((tasks()[0] as Task).start - t0);
    }
  }
  // after: the schedules on the server as sync makes them; a and b started together, dbt released by both.
  const project = loadProject({ root });
  const ctx: MappingContext = {
    project,
    projectKey: 'bench',
    owner: 'bench',
    legacyProjectKey: 'bench',
    environment: undefined,
    taskQueue: 'bench',
  };
  const actions = new Map<string, unknown[]>();
  for (const schedule of project.schedules) {
    const options = scheduleOptions(desiredSchedule(ctx, schedule), ctx);
    await client.schedule.create(options);
    if (options.action.type === 'startWorkflow') actions.set(schedule.name, [...(options.action.args ?? [])]);
  }
  const delays: number[] = [];
  for (let r = 0; r < R; r++) {
    writeFileSync(stamps, '');
    await Promise.all(
      ['a', 'b'].map(async (name) => {
        const handle = await client.workflow.start('meltanoJob', {
          taskQueue: 'bench',
          workflowId: `bench-${name}-${r}`,
          args: actions.get(name) ?? [],
        });
        await handle.result();
      }),
    );
    const dbt = await waitFor('the downstream to run', () => tasks().find((t) => t.name === 'dbt'), {
      timeoutMs: 60_000,
      intervalMs: 20,
      detail: () => readFileSync(stamps, 'utf8'),
    });
    const lastUpstreamEnd = Math.max(
      ...tasks()
        .filter((t) => t.name !== 'dbt')
        .map((t) => t.end),
    );
    delays.push(dbt.start - lastUpstreamEnd);
  }

  console.log(
    `pools: ${N} runs at once in a pool of one, one worker (4 task slots); ${R} rounds of a free pool vs none`,
  );
  console.log(
    `  hand-over (task exit -> next run's task start): median ${fmt(median(handovers))}, max ${fmt(Math.max(...handovers))}, min ${fmt(Math.min(...handovers))}; overlaps: ${overlaps}`,
  );
  console.log(
    `  request -> first task: in a free pool median ${fmt(median(free))}, without a pool ${fmt(median(plain))}; the pool's share ${fmt(median(free) - median(plain))}`,
  );
  console.log(
    `after: last upstream task exit -> downstream's first task start, ${R} rounds: median ${fmt(median(delays))}, max ${fmt(Math.max(...delays))}`,
  );
  console.log(
    `  load average: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`reproduce: npm run bench -- pipelines ${N} ${R}`);
} finally {
  abort.abort();
  await worker;
  await connection.close();
  await server.stop();
}
