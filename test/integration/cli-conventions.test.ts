/**
 * What users type from habit with `meltano` and `temporal`, and the settings
 * Meltano reads from a project (.env, database_uri), through the built CLI
 * against a real dev server and the real `meltano`.
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject } from '../helpers/project.js';
import { execa } from 'execa';
import { CLI, MELTANO, meltano, ours, REPO_ROOT } from '../helpers/run.js';
import { sharedServer } from '../helpers/temporal.js';

const MELTANO_YML = `version: 1
default_environment: dev
project_id: 3f9a1c2b-0000-4000-8000-000000000001
environments:
- name: dev
- name: prod
jobs:
- name: j1
  tasks:
  - tap-a target-b
schedules:
- name: s1
  job: j1
  interval: '@daily'
`;

const server = sharedServer();

interface SyncReport {
  environment: string;
  namespace: string;
  items: { schedule: string; scheduleId: string }[];
}

interface DoctorReport {
  checks: { name: string; ok: boolean; detail: string; fix?: string }[];
}

function check(stdout: string, name: string): DoctorReport['checks'][number] | undefined {
  return (JSON.parse(stdout) as DoctorReport).checks.find((c) => c.name === name);
}

describe("settings Meltano reads from the project's files", () => {
  it("MELTANO_ENVIRONMENT in the project's .env names the schedules' environment, as it does meltano run's", async () => {
    const dir = makeProject({ 'meltano.yml': MELTANO_YML, '.env': 'MELTANO_ENVIRONMENT=prod\n' });
    const r = await ours(dir, ['sync', '--dry-run', '--format=json'], server.env);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as SyncReport;
    expect(report.environment).toBe('prod');
    expect(report.items[0]?.scheduleId).toMatch(/^meltano:[^:]+:prod:s1$/u);
  });

  it("doctor judges the system database by meltano.yml's database_uri", async () => {
    const dir = makeProject({
      'meltano.yml': `${MELTANO_YML}database_uri: postgresql://meltano:meltano@127.0.0.1:5432/meltano\n`,
    });
    const r = await ours(dir, ['doctor', '--format=json'], server.env);
    expect(check(r.stdout, 'system database')?.detail).toBe('shared (database_uri in meltano.yml)');
  });
});

describe('a meltano that is there but cannot run', () => {
  const nodeDir = path.dirname(process.execPath);

  it('a meltano on PATH without the execute bit is named, with the fix', async () => {
    const dir = makeProject({ 'meltano.yml': MELTANO_YML });
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'meltano'), '#!/bin/sh\necho meltano, version 4.4.1\n', { mode: 0o644 });
    const r = await ours(dir, ['doctor', '--format=json'], { ...server.env, PATH: `${bin}:${nodeDir}:/usr/bin:/bin` });
    const meltano = check(r.stdout, 'meltano');
    expect(meltano?.ok).toBe(false);
    expect(meltano?.detail).toBe(`meltano on PATH: ${path.join(bin, 'meltano')} is not executable`);
    expect(meltano?.fix).toMatch(/chmod \+x .*bin\/meltano/u);
  });

  it('one without the execute bit earlier on PATH is passed over, as the shell does', async () => {
    const dir = makeProject({ 'meltano.yml': MELTANO_YML });
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'meltano'), '#!/bin/sh\nexit 3\n', { mode: 0o644 });
    const PATH = `${bin}:${path.dirname(MELTANO)}:${nodeDir}:/usr/bin:/bin`;
    const r = await ours(dir, ['doctor', '--format=json'], { ...server.env, PATH });
    expect(check(r.stdout, 'meltano')).toMatchObject({ ok: true, detail: `${MELTANO}: meltano, version 4.4.1` });
  });

  it('MELTANO_BIN naming a file that is not executable: schedule run --local says so and does not retry', async () => {
    const dir = makeProject({ 'meltano.yml': MELTANO_YML });
    const fake = path.join(dir, 'not-meltano');
    writeFileSync(fake, '#!/bin/sh\nexit 0\n');
    chmodSync(fake, 0o600);
    const r = await ours(dir, ['schedule', 'run', 's1', '--local'], { MELTANO_BIN: fake });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`MELTANO_BIN ${fake} is not executable`);
    expect(r.stderr).toContain(`chmod +x ${fake}`);
    expect(r.stderr).toContain('meltano cannot run on the worker: MELTANO_BIN');
    expect(r.stderr).not.toMatch(/EACCES|\n\s+at /u);
  });
});

describe('conventions of meltano and temporal', () => {
  it('--version prints the package version, as meltano --version prints its own', async () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await ours(REPO_ROOT, ['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(`meltano-temporal, version ${version}`);
    expect((await meltano(REPO_ROOT, ['--version'])).stdout.trim()).toMatch(/^meltano, version \d/u);
  });

  it('--cwd DIR works as meltano --cwd: the project is found from DIR; a missing DIR is a usage error', async () => {
    const dir = makeProject({ 'meltano.yml': MELTANO_YML, 'sub/.keep': '' });
    const elsewhere = makeProject({});
    for (const where of [dir, path.join(dir, 'sub')]) {
      const mine = await ours(elsewhere, ['--cwd', where, 'schedule', 'list']);
      const theirs = await meltano(elsewhere, ['--cwd', where, 'schedule', 'list']);
      expect(mine.exitCode, mine.stderr).toBe(0);
      expect(mine.stdout).toBe(theirs.stdout);
    }
    const missing = path.join(elsewhere, 'nope');
    const mine = await ours(elsewhere, ['--cwd', missing, 'schedule', 'list']);
    const theirs = await meltano(elsewhere, ['--cwd', missing, 'schedule', 'list']);
    expect(mine.exitCode).toBe(theirs.exitCode);
    expect(mine.stderr).toContain(`Error: Invalid value for '--cwd': Directory '${missing}' does not exist.`);
    expect(theirs.stderr).toContain(`Error: Invalid value for '--cwd': Directory '${missing}' does not exist.`);
  });

  it('--environment before the command names the environment, as meltano --environment', async () => {
    const dir = makeProject({ 'meltano.yml': MELTANO_YML });
    const before = await ours(dir, ['--environment', 'prod', 'sync', '--dry-run', '--format=json'], server.env);
    expect(before.exitCode, before.stderr).toBe(0);
    expect((JSON.parse(before.stdout) as SyncReport).items[0]?.scheduleId).toMatch(/:prod:s1$/u);
    const after = await ours(dir, ['sync', '--dry-run', '--environment', 'prod', '--format=json'], server.env);
    expect((JSON.parse(after.stdout) as SyncReport).environment).toBe('prod');
  });

  it('-n is --namespace and -o/--output is --format, as the temporal CLI spells them', async () => {
    const dir = makeProject({ 'meltano.yml': MELTANO_YML });
    const missing = await ours(dir, ['runs', '-n', 'no-such-namespace'], server.env);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/Namespace 'no-such-namespace' does not exist/u);
    const sync = await ours(dir, ['sync', '--dry-run', '-o', 'json', '-n', 'default'], server.env);
    expect(sync.exitCode, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ namespace: 'default', dryRun: true });
    for (const cmd of [
      ['schedule', 'list'],
      ['job', 'list'],
    ]) {
      const long = await ours(dir, [...cmd, '--format=json']);
      expect((await ours(dir, [...cmd, '-o', 'json'])).stdout).toBe(long.stdout);
      expect((await ours(dir, [...cmd, '--output=json'])).stdout).toBe(long.stdout);
    }
    const bad = await ours(dir, ['job', 'list', '-o', 'yaml']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/'yaml' is not one of 'text', 'json'/u);
  });

  it('--help shows them', async () => {
    const top = await ours(REPO_ROOT, ['--help']);
    for (const flag of ['--cwd <dir>', '--environment <name>', '--version', '--project <dir>', '--verbose'])
      expect(top.stdout).toContain(flag);
    const sync = (await ours(REPO_ROOT, ['sync', '--help'])).stdout;
    expect(sync).toContain('-o, --output <format>');
    expect(sync).toContain('-n, --namespace <name>');
    const worker = (await ours(REPO_ROOT, ['worker', '--help'])).stdout;
    expect(worker).toContain('--log-level <level>');
    expect(worker).toContain('--log-format <format>');
    // up runs a worker and syncs: the same flags, from the same definitions.
    const up = (await ours(REPO_ROOT, ['up', '--help'])).stdout;
    const flagsOf = (help: string): string[] =>
      [...help.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gmu)].map((m) => m[1] as string);
    expect(flagsOf(up)).toEqual(expect.arrayContaining(flagsOf(worker)));
    expect(up.replace(/\s+/gu, ' ')).toContain(
      '--concurrency <n> how many schedules are read and written at once by each sync (at start and on every change) (1 to 256)',
    );
  });
});

/** Start a worker, wait until it polls, stop it with SIGTERM; its stderr. */
async function workerLog(dir: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const proc = execa('node', [CLI, 'worker', ...args], {
    cwd: dir,
    env: { ...server.env, ...env },
    reject: false,
    stdin: 'ignore',
    timeout: 90_000,
  });
  let stderr = '';
  await new Promise<void>((resolve) => {
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/polling task queue/u.test(stderr)) resolve();
    });
    void proc.then(() => resolve());
  });
  proc.kill('SIGTERM');
  const r = await proc;
  expect(r.timedOut).toBe(false);
  return r.stderr;
}

describe('worker --log-level and --log-format', () => {
  it('--log-format json writes one JSON object per line with time, level and message; --log-level debug adds debug entries', async () => {
    const dir = makeProject({ 'meltano.yml': MELTANO_YML });
    const log = await workerLog(dir, ['--log-format', 'json', '--log-level', 'debug']);
    const entries = log
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const e of entries) {
      expect(Number.isNaN(Date.parse(String(e.time)))).toBe(false);
      expect(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).toContain(e.level);
      expect(typeof e.message).toBe('string');
    }
    expect(entries.some((e) => e.level === 'DEBUG')).toBe(true);
    expect(entries.find((e) => /polling task queue 'meltano'/u.test(String(e.message)))).toMatchObject({
      level: 'INFO',
    });
    expect(entries.find((e) => e.message === 'Worker state changed')).toMatchObject({ taskQueue: 'meltano' });
  });

  it('--log-level wins over MELTANO_TEMPORAL_LOG_LEVEL; text stays the default', async () => {
    const dir = makeProject({ 'meltano.yml': MELTANO_YML });
    const log = await workerLog(dir, ['--log-level', 'WARN'], { MELTANO_TEMPORAL_LOG_LEVEL: 'debug' });
    expect(log).toMatch(/^worker: project .* polling task queue/mu);
    expect(log).not.toMatch(/ (INFO|DEBUG) /u);
  });

  it.each([
    [
      ['--log-format', 'xml'],
      /Invalid value for '--log-format': 'xml' is not a log format\.\n {2}fix: give one of text, json/u,
    ],
    [['--log-level', 'verbose'], /Invalid value for '--log-level': 'verbose' is not a log level\./u],
  ])('worker %j is a usage error', async (args, message) => {
    const r = await ours(makeProject({ 'meltano.yml': MELTANO_YML }), ['worker', ...args], server.env);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('schedule describe says why there is no next run', () => {
  it('a cron no date matches never fires; a paused one is paused; no interval is manual only', async () => {
    const dir = makeProject({
      'meltano.yml': `${MELTANO_YML}- name: feb31
  job: j1
  interval: '0 0 31 2 *'
- name: manual
  job: j1
  interval: '@manual'
- name: paused
  job: j1
  interval: '@daily'
  annotations:
    temporal:
      paused: true
`,
    });
    const synced = await ours(dir, ['sync'], server.env);
    expect(synced.exitCode, synced.stderr).toBe(0);
    const nextRuns = async (name: string): Promise<string> => {
      const r = await ours(dir, ['schedule', 'describe', name], server.env);
      expect(r.exitCode, r.stderr).toBe(0);
      return /^next runs {2}(.*)$/mu.exec(r.stdout)?.[1] ?? '';
    };
    expect(await nextRuns('feb31')).toBe(
      "(none: the cron '0 0 31 2 *' never fires: no date matches it; runs only when triggered)",
    );
    expect(await nextRuns('manual')).toBe('(none: manual runs only)');
    expect(await nextRuns('paused')).toMatch(/^\(none while paused; once unpaused: \d{4}-\d\d-\d\dT00:00:00\.000Z, /u);
    expect(await nextRuns('s1')).toMatch(/^\d{4}-\d\d-\d\dT00:00:00\.000Z, /u);
  });
});

describe('a cron Meltano accepts and Temporal refuses', () => {
  it("sync names the file, the schedule, the server's reason and the fix", async () => {
    const dir = makeProject({ 'meltano.yml': `${MELTANO_YML}- name: last-day\n  job: j1\n  interval: '0 0 L * *'\n` });
    expect((await meltano(dir, ['schedule', 'list'])).stdout).toContain('[0 0 L * *] job last-day');
    const r = await ours(dir, ['sync'], server.env);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^! error last-day \(meltano:[^)]+:last-day\): meltano\.yml: schedule 'last-day': the Temporal server refuses its cron '0 0 L \* \*': .+\n {2}fix: Temporal's cron parser takes fewer forms than Meltano's croniter/mu,
    );
    expect(r.stdout).toMatch(/\+ create s1 /u);
  });
});

describe('output closed early', () => {
  it('a reader that closes the pipe before the output (| head) ends the command quietly with 141, not a crash', async () => {
    const dir = makeProject({ 'meltano.yml': MELTANO_YML });
    for (const args of [
      ['job', 'list', '--format=json'],
      ['schedule', 'list', '--format=json'],
    ]) {
      const child = execa('node', [CLI, ...args], { cwd: dir, reject: false, stdin: 'ignore' });
      // Closed before node has even started: the command's first write finds no reader.
      child.stdout?.destroy();
      const r = await child;
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(141);
      expect(r.stderr, args.join(' ')).toBe('');
    }
  });
});

describe('docs/commands.md tells the truth about these options and exit codes', () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'commands.md'), 'utf8');

  /** The rows of the markdown table that follows `heading`. */
  function tableAfter(heading: string): string[][] {
    const start = doc.indexOf(heading);
    expect(start, `docs/commands.md has no "${heading}"`).toBeGreaterThan(-1);
    const lines = doc
      .slice(start + heading.length)
      .trimStart()
      .split('\n');
    const rows: string[][] = [];
    for (const line of lines) {
      if (!line.startsWith('|')) break;
      if (/^\|\s*-/u.test(line)) continue;
      rows.push(
        line
          .split(/(?<!\\)\|/u)
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    }
    return rows.slice(1);
  }

  it('every option in its table of meltano/temporal spellings is in the --help texts', async () => {
    const rows = tableAfter('Spellings from `meltano` and `temporal` work too:');
    expect(rows.length).toBeGreaterThan(4);
    const help = (
      await Promise.all([[], ['sync'], ['codec-server'], ['job', 'list']].map((c) => ours(REPO_ROOT, [...c, '--help'])))
    )
      .map((r) => r.stdout)
      .join('\n');
    for (const [cell] of rows) {
      const flags = [...(cell ?? '').matchAll(/`(--?[a-z][a-z-]*)/gu)].map((m) => m[1] as string);
      expect(flags.length, cell).toBeGreaterThan(0);
      for (const flag of flags)
        expect(help, `${flag} from docs/commands.md`).toMatch(new RegExp(`(^|[ ,])${flag}[ ,=\\n]`, 'mu'));
    }
  });

  it('the exit codes table lists 0, 1, 2, 3, 4, 130, 143 and 141, and its usage examples exit 2', async () => {
    const rows = tableAfter("Exit codes, the same as `meltano`'s where the command is shared:");
    expect(rows.map(([code]) => code)).toEqual(['0', '1', '2', '3', '4', '130, 143', '141']);
    const dir = makeProject({ 'meltano.yml': MELTANO_YML });
    const usage: string[][] = [
      ['job', 'list', '--format', 'yaml'],
      ['up', '--port', 'abc'],
      ['worker', '--log-level', 'verbose'],
      ['--cwd', path.join(dir, 'missing'), 'job', 'list'],
      ['job', 'list', '--bogus'],
    ];
    for (const args of usage) expect((await ours(dir, args, server.env)).exitCode, args.join(' ')).toBe(2);
    const outside = makeProject({});
    const [mine, theirs] = await Promise.all([ours(outside, ['job', 'list']), meltano(outside, ['job', 'list'])]);
    expect(mine.exitCode).toBe(2);
    expect(theirs.exitCode).toBe(2);
    expect((await ours(dir, ['schedule', 'add', 'x', '--job', 'j1', '--interval', '0 0 31 2 * *'])).exitCode).toBe(1);
  });
});
