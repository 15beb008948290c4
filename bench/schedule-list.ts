/**
 * `schedule list --format=json` on a generated project with 1,000 jobs and
 * 1,000 schedules: this tool vs `meltano schedule list --format=json` (what
 * Airflow's DAG generator runs at every parse). Runs alternate, medians.
 *
 *   npm run bench -- schedule-list [runs]
 */
import path from 'node:path';
import { writeBigProject } from './big-project.js';
import { fmt, median, timeProcess } from './util.js';
import { CLI_BIN, VENV_BIN } from '../src/util/paths.js';

const COUNT = 1000;
const runs = Number(process.argv[2] ?? 5);
const dir = writeBigProject(COUNT);
const meltano = path.join(VENV_BIN, 'meltano');
const env = { MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false', MELTANO_CLI_LOG_LEVEL: 'warning' };
const oursMs: number[] = [];
const theirsMs: number[] = [];
// One warm-up each (Meltano creates its system DB on first run).
const warmOurs = await timeProcess('node', [CLI_BIN, 'schedule', 'list', '--format=json'], dir);
const warmTheirs = await timeProcess(meltano, ['schedule', 'list', '--format=json'], dir, env);
if (warmOurs.stdout !== warmTheirs.stdout) throw new Error('outputs differ: the comparison would be meaningless');
for (let i = 0; i < runs; i++) {
  process.stderr.write(`run ${i + 1}/${runs}\r`);
  oursMs.push((await timeProcess('node', [CLI_BIN, 'schedule', 'list', '--format=json'], dir)).ms);
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
