/**
 * `sync` of 1,000 schedules against a real dev server: first time (creates)
 * and unchanged re-sync from one listing (sync hash), side by side with the
 * full describe pass it replaced (`sync --verify`), with the rate in
 * schedules per second. For scale,
 * the same project's `meltano schedule list --format=json` (what Airflow's
 * DAG generator runs at every parse) is timed in the same run.
 *
 *   npm run bench -- sync [count]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevServer } from '../src/temporal/dev-server.js';
import { VENV_BIN, CLI_BIN } from '../src/util/paths.js';
import { fmt, timeProcess } from './util.js';

const count = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-sync-'));
const intervals = ['@hourly', '@daily', '0 */6 * * *', '15 3 * * MON-FRI', '@manual'];
let yml =
  'default_environment: dev\nenvironments:\n- name: dev\nplugins:\n  extractors:\n  - name: tap-x\n    namespace: tap_x\n  loaders:\n  - name: target-y\n    namespace: target_y\njobs:\n- name: j\n  tasks:\n  - tap-x target-y\nschedules:\n';
for (let i = 0; i < count; i++) yml += `- name: s-${i}\n  interval: '${intervals[i % intervals.length]}'\n  job: j\n`;
writeFileSync(path.join(dir, 'meltano.yml'), yml);

const server = await startDevServer({
  projectRoot: dir,
  port: 18233 + Math.floor(Math.random() * 1000),
  uiPort: 20233 + Math.floor(Math.random() * 1000),
});
const env = { TEMPORAL_ADDRESS: server.address };
try {
  const first = await timeProcess('node', [CLI_BIN, '--project', dir, 'sync'], dir, env);
  const again = await timeProcess('node', [CLI_BIN, '--project', dir, 'sync'], dir, env);
  if (!again.stdout.includes(`0 create, 0 update, 0 delete, ${count} unchanged`))
    throw new Error(`re-sync was not a no-op:\n${again.stdout.slice(-500)}`);
  const verify = await timeProcess('node', [CLI_BIN, '--project', dir, 'sync', '--verify'], dir, env);
  if (!verify.stdout.includes(`0 create, 0 update, 0 delete, ${count} unchanged`))
    throw new Error(`re-sync --verify was not a no-op:\n${verify.stdout.slice(-500)}`);
  const list = await timeProcess(path.join(VENV_BIN, 'meltano'), ['schedule', 'list', '--format=json'], dir, {
    MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
  });
  console.log(`sync of ${count} schedules against a local dev server (SQLite), one process each`);
  console.log(
    `  first sync (create, --concurrency 16)    ${fmt(first.ms)}   ${(count / (first.ms / 1000)).toFixed(0)} schedules/s`,
  );
  console.log(
    `  re-sync (all unchanged), one listing    ${fmt(again.ms)}   ${(count / (again.ms / 1000)).toFixed(0)} schedules/s`,
  );
  console.log(
    `  re-sync --verify, describe every one     ${fmt(verify.ms)}   ${(count / (verify.ms / 1000)).toFixed(0)} schedules/s`,
  );
  console.log(`  listing / describe-all: ${(verify.ms / again.ms).toFixed(1)}x faster`);
  console.log(`  meltano schedule list --format=json on the same project (Airflow's per-parse cost): ${fmt(list.ms)}`);
  console.log(
    `  vs that listing: first sync ${(first.ms / list.ms).toFixed(2)}x, unchanged re-sync ${(again.ms / list.ms).toFixed(2)}x its time`,
  );
  console.log('reproduce: npm run bench -- sync');
} finally {
  await server.stop();
}
