/**
 * `sync` of 1,000 schedules against a real dev server: first time (creates)
 * and unchanged re-sync from one listing (sync hash), side by side with the
 * full describe pass it replaced (`sync --verify`), with the rate in
 * schedules per second. For scale,
 * the same project's `meltano schedule list --format=json` (what Airflow's
 * DAG generator runs at every parse) is timed in the same run. The server's
 * own share is timed too: a bare SDK client making the same calls (the same
 * creates, 16 at a time, on a second fresh dev server; one paged listing of
 * the synced schedules), so a missed goal shows which part is not ours.
 * The unchanged re-sync, the bare listing and the meltano listing run in
 * turn, ROUNDS rounds, after the first sync; medians (min-max): the server
 * is busy for a while after 1,000 creates, and each of the three gets the
 * same share of that.
 *
 *   npm run bench -- sync [count]
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { projectDevServerFile, startDevServer } from '../src/temporal/dev-server.js';
import { VENV_BIN, CLI_BIN, PACKAGE_ROOT } from '../src/util/paths.js';
import { fmt, median, timeProcess } from './util.js';

const count = Number(process.argv[2] ?? 1000);
const ROUNDS = 5;
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-sync-'));
const intervals = ['@hourly', '@daily', '0 */6 * * *', '15 3 * * MON-FRI', '@manual'];
let yml =
  'default_environment: dev\nenvironments:\n- name: dev\nplugins:\n  extractors:\n  - name: tap-x\n    namespace: tap_x\n  loaders:\n  - name: target-y\n    namespace: target_y\njobs:\n- name: j\n  tasks:\n  - tap-x target-y\nschedules:\n';
for (let i = 0; i < count; i++) yml += `- name: s-${i}\n  interval: '${intervals[i % intervals.length]}'\n  job: j\n`;
writeFileSync(path.join(dir, 'meltano.yml'), yml);

const server = await startDevServer({
  dbFile: projectDevServerFile(dir),
  port: 18233 + Math.floor(Math.random() * 1000),
  uiPort: 20233 + Math.floor(Math.random() * 1000),
});

/**
 * A bare SDK client process listing every schedule on the server: what a re-sync
 * is at the least (Node, the Temporal SDK's load, a connection, ListSchedules page
 * by page), and the SDK's load alone. Same process shape as ours, so the
 * difference is our own work.
 */
async function bareListing(address: string): Promise<{ ms: number; found: number }> {
  const script = `const { Client, Connection } = require('@temporalio/client');
(async () => {
  const client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS }) });
  let found = 0;
  for await (const s of client.schedule.list()) if (s.scheduleId) found++;
  await client.connection.close();
  console.log(found);
})();`;
  const list = await timeProcess('node', ['-e', script], PACKAGE_ROOT, { TEMPORAL_ADDRESS: address });
  return { ms: list.ms, found: Number(list.stdout.trim()) };
}

/** ms for a bare SDK client to create `count` schedules like ours (same crons), 16 at a time, on a fresh dev server. */
async function bareCreates(): Promise<number> {
  const bareDir = mkdtempSync(path.join(os.tmpdir(), 'bench-sync-bare-'));
  const bare = await startDevServer({
    dbFile: projectDevServerFile(bareDir),
    port: 18233 + Math.floor(Math.random() * 1000),
    uiPort: 20233 + Math.floor(Math.random() * 1000),
  });
  try {
    const client = new Client({ connection: await Connection.connect({ address: bare.address }) });
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < count; i = next++) {
          const interval = intervals[i % intervals.length] ?? '@daily';
          await client.schedule.create({
            scheduleId: `bare-${i}`,
            spec: interval === '@manual' ? {} : { cronExpressions: [interval] },
            action: { type: 'startWorkflow', workflowType: 'meltanoJob', taskQueue: 'bare', args: [{ job: 'j' }] },
            ...(interval === '@manual' ? { state: { paused: true } } : {}),
          });
        }
      }),
    );
    const ms = performance.now() - start;
    await client.connection.close();
    return ms;
  } finally {
    await bare.stop();
  }
}
const env = { TEMPORAL_ADDRESS: server.address };
const spread = (values: number[]): string =>
  `${fmt(median(values))} (${fmt(Math.min(...values))}-${fmt(Math.max(...values))})`;
try {
  const first = await timeProcess('node', [CLI_BIN, '--project', dir, 'sync'], dir, env);
  const again: number[] = [];
  const listing: number[] = [];
  const list: number[] = [];
  const load: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const ours = await timeProcess('node', [CLI_BIN, '--project', dir, 'sync'], dir, env);
    if (!ours.stdout.includes(`0 create, 0 update, 0 delete, ${count} unchanged`))
      throw new Error(`re-sync was not a no-op:\n${ours.stdout.slice(-500)}`);
    again.push(ours.ms);
    const bare = await bareListing(server.address);
    if (bare.found !== count) throw new Error(`the bare listing found ${bare.found} schedules, not ${count}`);
    listing.push(bare.ms);
    const meltano = await timeProcess(path.join(VENV_BIN, 'meltano'), ['schedule', 'list', '--format=json'], dir, {
      MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
    });
    list.push(meltano.ms);
    load.push((await timeProcess('node', ['-e', "require('@temporalio/client')"], PACKAGE_ROOT)).ms);
  }
  const verify = await timeProcess('node', [CLI_BIN, '--project', dir, 'sync', '--verify'], dir, env);
  if (!verify.stdout.includes(`0 create, 0 update, 0 delete, ${count} unchanged`))
    throw new Error(`re-sync --verify was not a no-op:\n${verify.stdout.slice(-500)}`);
  const creates = await bareCreates();
  const [againMs, listingMs, listMs] = [median(again), median(listing), median(list)];
  console.log(`sync of ${count} schedules against a local dev server (SQLite), one process each`);
  console.log(
    `  first sync (create, --concurrency 16)    ${fmt(first.ms)}   ${(count / (first.ms / 1000)).toFixed(0)} schedules/s`,
  );
  console.log(`  ${ROUNDS} rounds after it, one of each in turn; median (min-max):`);
  console.log(
    `  re-sync (all unchanged), one listing    ${spread(again)}   ${(count / (againMs / 1000)).toFixed(0)} schedules/s`,
  );
  console.log(`  meltano schedule list --format=json on the same project (Airflow's per-parse cost): ${spread(list)}`);
  console.log(
    `  re-sync --verify, describe every one     ${fmt(verify.ms)}   ${(count / (verify.ms / 1000)).toFixed(0)} schedules/s`,
  );
  console.log(`  listing / describe-all: ${(verify.ms / againMs).toFixed(1)}x faster`);
  console.log(
    `  vs that listing: first sync ${(first.ms / listMs).toFixed(2)}x, unchanged re-sync ${(againMs / listMs).toFixed(2)}x its time`,
  );
  console.log(`  the server's own share, a bare SDK client making the same calls:`);
  console.log(
    `    ${count} creates, 16 at a time (fresh dev server)   ${fmt(creates)}   first sync is ${(first.ms / creates).toFixed(2)}x that; the creates alone are ${(creates / listMs).toFixed(2)}x the meltano listing`,
  );
  console.log(
    `    a process listing the ${count} schedules (node, SDK, connect, ListSchedules)   ${spread(listing)}   re-sync is ${(againMs / listingMs).toFixed(2)}x that; it alone is ${(listingMs / listMs).toFixed(2)}x the meltano listing`,
  );
  console.log(
    `      of which node and loading the Temporal SDK (node -e "require('@temporalio/client')")   ${spread(load)}`,
  );
  console.log('reproduce: npm run bench -- sync');
} finally {
  await server.stop();
}
