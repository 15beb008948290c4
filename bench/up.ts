/**
 * `up` on one host: (1) time from launching `up --trigger mysql2pg` on the
 * example (machine prepared: setup done, plugins installed, databases up) to
 * the first completed run; (2) resident memory of the worker (the `up`
 * process) and of the embedded Temporal server while idle with 100 schedules
 * registered.
 *
 *   npm run bench -- up
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/util/paths.js';
import { descendants } from './proc-tree.js';
import { launchUp } from './up-process.js';
import { fmt } from './util.js';

const dbEnv = {
  MT_MYSQL_HOST: '127.0.0.1',
  MT_MYSQL_PORT: '3306',
  MT_MYSQL_USER: 'meltano',
  MT_MYSQL_PASSWORD: 'meltano',
  MT_PG_HOST: '127.0.0.1',
  MT_PG_PORT: '5432',
  MT_PG_USER: 'meltano',
  MT_PG_PASSWORD: 'meltano',
};

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/u.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(m?.[1] ?? 0);
  } catch {
    return 0; // exited
  }
}

// (1) Launch to the first completed run of the example.
const first = await launchUp(
  path.join(PACKAGE_ROOT, 'examples', 'mysql2pg'),
  ['--trigger', 'mysql2pg'],
  /run of mysql2pg completed/u,
  300_000,
  dbEnv,
);
await first.stop();

// (2) Idle memory with 100 schedules.
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-up-'));
let yml =
  'plugins:\n  extractors:\n  - name: tap-x\n    namespace: tap_x\n  loaders:\n  - name: target-y\n    namespace: target_y\njobs:\n- name: j\n  tasks:\n  - tap-x target-y\nschedules:\n';
for (let i = 0; i < 100; i++) yml += `- name: s-${i}\n  interval: '@daily'\n  job: j\n`;
writeFileSync(path.join(dir, 'meltano.yml'), yml);
const idle = await launchUp(dir, [], /worker polling task queue/u, 180_000);
await new Promise((r) => setTimeout(r, 15_000));
const upPid = idle.proc.pid ?? 0;
const total = descendants(upPid).reduce((sum, pid) => sum + rssKiB(pid), 0);
const worker = rssKiB(upPid);
await idle.stop();

console.log('meltano-temporal up on one host');
console.log(
  `  launch -> first completed run of mysql2pg (dev server start, sync, worker, tap-mysql -> target-postgres): ${fmt(first.ms)}`,
);
console.log(
  `  idle with 100 schedules, 15 s after start: worker (up process) ${(worker / 1024).toFixed(0)} MiB RSS, embedded Temporal server ${((total - worker) / 1024).toFixed(0)} MiB RSS`,
);
console.log(
  'reproduce: npm run bench -- up   (needs the databases: bash scripts/setup.sh --databases; and the example installed: npm start once)',
);
