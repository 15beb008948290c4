/**
 * `schedule list --format=json` on a generated project with 1,000 jobs and
 * 1,000 schedules: this tool vs `meltano schedule list --format=json` (what
 * Airflow's DAG generator runs at every parse). Runs alternate, medians.
 *
 *   npm run bench -- schedule-list [runs]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, median, timeProcess } from './util.js';
import { PACKAGE_ROOT, VENV_BIN } from '../src/util/paths.js';

const COUNT = 1000;
const runs = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-list-'));
const presets = ['@hourly', '@daily', '@weekly', '0 */6 * * *', '15 3 * * MON-FRI', '@once'];
let yml =
  'default_environment: dev\nenvironments:\n- name: dev\nplugins:\n  extractors:\n  - name: tap-x\n    namespace: tap_x\n    pip_url: tap-x\n  loaders:\n  - name: target-y\n    namespace: target_y\n    pip_url: target-y\njobs:\n';
for (let i = 0; i < COUNT; i++) yml += `- name: job-${i}\n  tasks:\n  - tap-x target-y\n`;
yml += 'schedules:\n';
for (let i = 0; i < COUNT; i++)
  yml += `- name: schedule-${i}\n  interval: '${presets[i % presets.length]}'\n  env:\n    RUN: '${i}'\n  job: job-${i}\n`;
writeFileSync(path.join(dir, 'meltano.yml'), yml);

const cli = path.join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js');
const meltano = path.join(VENV_BIN, 'meltano');
const env = { MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false', MELTANO_CLI_LOG_LEVEL: 'warning' };
const oursMs: number[] = [];
const theirsMs: number[] = [];
// One warm-up each (Meltano creates its system DB on first run).
const warmOurs = await timeProcess('node', [cli, 'schedule', 'list', '--format=json'], dir);
const warmTheirs = await timeProcess(meltano, ['schedule', 'list', '--format=json'], dir, env);
if (warmOurs.stdout !== warmTheirs.stdout) throw new Error('outputs differ: the comparison would be meaningless');
for (let i = 0; i < runs; i++) {
  process.stderr.write(`run ${i + 1}/${runs}\r`);
  oursMs.push((await timeProcess('node', [cli, 'schedule', 'list', '--format=json'], dir)).ms);
  theirsMs.push((await timeProcess(meltano, ['schedule', 'list', '--format=json'], dir, env)).ms);
}
const o = median(oursMs);
const t = median(theirsMs);
console.log(
  `schedule list --format=json, ${COUNT} jobs + ${COUNT} schedules, ${runs} runs each (identical output checked)`,
);
console.log(`  meltano-temporal  median ${fmt(o)}`);
console.log(`  meltano ${'4.4.1'}     median ${fmt(t)}`);
console.log(`  ratio             ${(t / o).toFixed(1)}x faster`);
console.log('reproduce: npm run bench -- schedule-list');
