/**
 * `up` on one host: (1) time from launching `up --trigger mysql2pg` on the
 * example (machine prepared: setup done, plugins installed, databases up) to
 * the first completed run; (2) resident memory of the worker (the `up`
 * process) and of the embedded Temporal server while idle with 100 schedules
 * registered.
 *
 *   npm run bench -- up
 */
import { execa } from 'execa';
import { readFileSync, readdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PACKAGE_ROOT, VENV_BIN } from '../src/util/paths.js';
import { fmt } from './util.js';

const cli = path.join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js');
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
const env = {
  ...process.env,
  ...dbEnv,
  PATH: `${VENV_BIN}:${process.env.PATH ?? ''}`,
  MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
};

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/u.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

function treeRssKiB(root: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/u.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      /* exited */
    }
  }
  let total = 0;
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift() as number;
    try {
      total += rssKiB(pid);
    } catch {
      /* exited */
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

async function runUp(project: string, args: string[], until: RegExp, timeoutMs: number) {
  const start = performance.now();
  const proc = execa(
    'node',
    [
      cli,
      '--project',
      project,
      'up',
      '--port',
      String(27233 + Math.floor(Math.random() * 1000)),
      '--ui-port',
      String(29233 + Math.floor(Math.random() * 1000)),
      ...args,
    ],
    { env, reject: false, all: true, buffer: false },
  );
  let out = '';
  proc.all?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const deadline = Date.now() + timeoutMs;
  while (!until.test(out)) {
    if (Date.now() > deadline || proc.exitCode !== null)
      throw new Error(`up did not reach ${until}:\n${out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ms: performance.now() - start, proc, output: () => out };
}

// (1) Launch to the first completed run of the example.
const first = await runUp(
  path.join(PACKAGE_ROOT, 'examples', 'mysql2pg'),
  ['--trigger', 'mysql2pg'],
  /run of mysql2pg completed/u,
  300_000,
);
first.proc.kill('SIGINT');
await first.proc;

// (2) Idle memory with 100 schedules.
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-up-'));
let yml =
  'plugins:\n  extractors:\n  - name: tap-x\n    namespace: tap_x\n  loaders:\n  - name: target-y\n    namespace: target_y\njobs:\n- name: j\n  tasks:\n  - tap-x target-y\nschedules:\n';
for (let i = 0; i < 100; i++) yml += `- name: s-${i}\n  interval: '@daily'\n  job: j\n`;
writeFileSync(path.join(dir, 'meltano.yml'), yml);
const idle = await runUp(dir, [], /worker polling task queue/u, 180_000);
await new Promise((r) => setTimeout(r, 15_000));
const upPid = idle.proc.pid ?? 0;
const total = treeRssKiB(upPid);
const worker = rssKiB(upPid);
idle.proc.kill('SIGINT');
await idle.proc;

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
