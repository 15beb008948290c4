/**
 * Start-up of the CLI: `--version`, `job list --format=json` and `schedule
 * list --format=json` on the project of schedule-list.ts (1,000 jobs, 1,000
 * schedules), for the shipped command (the bundle) with its cache of parsed
 * project files (src/project/parse-cache.ts; the entry is written in the
 * warm-up, as a user's first read writes it), the same with the cache off
 * (what a read of a new version of the file costs) and `meltano`; `node -e 0`
 * is the floor Node itself costs. One run of each in turn, N rounds; medians.
 *
 *   npm run bench -- cli-startup [runs]
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeBigProject } from './big-project.js';
import { fmt, median, timeProcess } from './util.js';
import { CLI_BIN, VENV_BIN } from '../src/util/paths.js';

const COUNT = 1000;
const runs = Number(process.argv[2] ?? 10);
const dir = writeBigProject(COUNT);
// The cache in a directory of its own: the bench neither uses nor leaves entries in the user's.
const cacheEnv = { XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), 'bench-cli-cache-')) };
const MELTANO = path.join(VENV_BIN, 'meltano');
const meltanoEnv = { MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false', MELTANO_CLI_LOG_LEVEL: 'warning' };

interface Variant {
  name: string;
  run(args: string[]): Promise<{ ms: number; stdout: string }>;
}
const variants: Variant[] = [
  { name: 'bundle', run: (args) => timeProcess('node', [CLI_BIN, ...args], dir, cacheEnv) },
  {
    name: 'cache off',
    run: (args) => timeProcess('node', [CLI_BIN, ...args], dir, { MELTANO_TEMPORAL_PARSE_CACHE: 'off' }),
  },
  { name: 'meltano', run: (args) => timeProcess(MELTANO, args, dir, meltanoEnv) },
];
const commands: { label: string; args: string[]; sameOutput: boolean }[] = [
  { label: '--version', args: ['--version'], sameOutput: false },
  { label: 'job list --format=json', args: ['job', 'list', '--format=json'], sameOutput: true },
  { label: 'schedule list --format=json', args: ['schedule', 'list', '--format=json'], sameOutput: true },
];

const meltanoVersion = (await timeProcess(MELTANO, ['--version'], dir, meltanoEnv)).stdout.split(' ').pop() ?? '?';
// Warm-up (Meltano creates its system database on its first run), and the outputs compared.
for (const c of commands) {
  const outputs = await Promise.all(variants.map((v) => v.run(c.args)));
  if (c.sameOutput && outputs.some((o) => o.stdout !== outputs[0]?.stdout))
    throw new Error(`${c.label}: the outputs differ; the comparison would be meaningless`);
}

const loadAtStart = os.loadavg()[0] ?? 0;
const floor: number[] = [];
const times = new Map<string, number[]>();
const key = (c: string, v: string): string => `${c}\0${v}`;
for (let i = 0; i < runs; i++) {
  process.stderr.write(`round ${i + 1}/${runs}\r`);
  floor.push((await timeProcess('node', ['-e', '0'], dir)).ms);
  for (const c of commands)
    for (const v of variants) {
      const list = times.get(key(c.label, v.name)) ?? [];
      list.push((await v.run(c.args)).ms);
      times.set(key(c.label, v.name), list);
    }
}

const med = (c: string, v: string): number => median(times.get(key(c, v)) ?? []);
const nodeFloor = median(floor);
const col = (text: string, width: number): string => text.padStart(width);
console.log(
  `CLI start-up, ${COUNT} jobs + ${COUNT} schedules, ${runs} rounds (each command of each variant once per round), medians; list outputs identical across the three; ours = the shipped bundle, its parse cache warm`,
);
console.log(
  `  ${''.padEnd(28)}${col('ours', 9)}${col('cache off', 11)}${col(`meltano ${meltanoVersion}`, 15)}${col('meltano/ours', 14)}${col('meltano/cache off', 19)}${col('ours - node', 13)}`,
);
for (const c of commands) {
  const [b, u, m] = variants.map((v) => med(c.label, v.name)) as [number, number, number];
  console.log(
    `  ${c.label.padEnd(28)}${col(fmt(b), 9)}${col(fmt(u), 11)}${col(fmt(m), 15)}${col(`${(m / b).toFixed(1)}x`, 14)}${col(`${(m / u).toFixed(1)}x`, 19)}${col(fmt(b - nodeFloor), 13)}`,
  );
}
console.log(`  ${"node -e 0 (Node's floor)".padEnd(28)}${col(fmt(nodeFloor), 9)}`);
console.log(
  `host: ${os.cpus().length} cores, load average ${loadAtStart.toFixed(1)} at start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at end`,
);
console.log('reproduce: npm run bench -- cli-startup [runs]');
