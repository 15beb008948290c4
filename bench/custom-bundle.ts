/**
 * What custom workflows cost at start: a worker of a project without workflow files loads the
 * prebuilt bundle (nothing is bundled, only a missing folder is looked up); with files, it bundles
 * ours and theirs with the SDK's bundler first. Measured through the CLI, which does the same
 * discovery and the same bundling: `workflows list` (discovery only, what `sync` adds for a
 * schedule naming a custom workflow) and `workflows list --compile` (the worker's bundle), on
 * projects with no file, 1 file and 5 files (TypeScript); `node -e 0` as Node's floor. One run of
 * each in turn, N rounds; medians.
 *
 *   npm run bench -- custom-bundle [runs]
 */
import os from 'node:os';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fmt, median, timeProcess } from './util.js';
import { CLI_BIN } from '../src/util/paths.js';

const runs = Number(process.argv[2] ?? 5);

function project(files: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-custom-${files}-`));
  writeFileSync(path.join(dir, 'meltano.yml'), 'jobs:\n- name: j\n  tasks:\n  - tap-x target-y\n');
  if (files) mkdirSync(path.join(dir, 'orchestrate', 'workflows'), { recursive: true });
  for (let i = 0; i < files; i++)
    writeFileSync(
      path.join(dir, 'orchestrate', 'workflows', `flow${i}.ts`),
      `import { meltanoRun } from 'meltano-temporal/workflow';\nexport async function flow${i}(): Promise<void> {\n  await Promise.all([meltanoRun('tap-a target-x'), meltanoRun('tap-b target-x')]);\n  await meltanoRun('dbt:run');\n}\n`,
    );
  return dir;
}

const cases = [
  { label: 'no workflow files: workflows list', files: 0, args: ['workflows', 'list'] },
  { label: '1 file: workflows list', files: 1, args: ['workflows', 'list'] },
  { label: '1 file: workflows list --compile', files: 1, args: ['workflows', 'list', '--compile'] },
  { label: '5 files: workflows list --compile', files: 5, args: ['workflows', 'list', '--compile'] },
].map((c) => ({ ...c, dir: project(c.files), times: [] as number[] }));

const floor: number[] = [];
const load = os.loadavg()[0] ?? 0;
for (const c of cases) await timeProcess('node', [CLI_BIN, ...c.args], c.dir); // warm-up
for (let i = 0; i < runs; i++) {
  process.stderr.write(`round ${i + 1}/${runs}\r`);
  floor.push((await timeProcess('node', ['-e', '0'], os.tmpdir())).ms);
  for (const c of cases) c.times.push((await timeProcess('node', [CLI_BIN, ...c.args], c.dir)).ms);
}
const base = median(cases[0]?.times ?? []);
console.log(`Custom workflows at start, ${runs} rounds, medians (load average ${load.toFixed(2)} at start)`);
console.log(`  ${'node -e 0'.padEnd(40)}${fmt(median(floor)).padStart(9)}`);
for (const c of cases) {
  const m = median(c.times);
  console.log(`  ${c.label.padEnd(40)}${fmt(m).padStart(9)}${`+${fmt(m - base)}`.padStart(10)}`);
}
console.log('  (+: over the project without workflow files; a worker without them loads the prebuilt bundle)');
console.log('reproduce: npm run build && node dist/bench/custom-bundle.js [runs]');
