/**
 * Start-up failures and bad input on the command line, against a real dev
 * server: every one is a short message with the fix and a non-zero exit at
 * once; the worker always stops on SIGTERM/SIGINT.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import net from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, meltano, ours } from '../helpers/run.js';
import { makeProject } from '../helpers/project.js';
import { sharedServer } from '../helpers/temporal.js';
import { sleep, waitForOutput } from '../helpers/wait.js';

const MELTANO_YML = `version: 1
default_environment: dev
project_id: cli-errors
environments:
- name: dev
jobs:
- name: j1
  tasks:
  - tap-a target-b
schedules:
- name: s1
  job: j1
  interval: '@daily'
`;

// A namespace where `sync` never ran: none of our search attributes.
const server = sharedServer({ searchAttributes: false });
let dir: string;

beforeAll(() => {
  dir = makeProject({ 'meltano.yml': MELTANO_YML });
});

/** One or two lines, no stack trace, no doubled prefix. */
function expectShortMessage(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at /u);
  expect(stderr).not.toMatch(/Error: Error:/u);
  expect(stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
}

describe('worker start-up failures exit at once', () => {
  it.each([
    [['--namespace', 'no-such-namespace'], 1, /Namespace 'no-such-namespace' does not exist.*\n.*fix: /u],
    [['--shutdown-grace', 'forever'], 2, /Invalid value for '--shutdown-grace': 'forever'/u],
    [['--task-queue', ''], 2, /Invalid value for '--task-queue': ''/u],
    [['--metrics', 'not-an-address'], 2, /Invalid value for '--metrics': 'not-an-address'/u],
  ])('worker %j', async (args, code, message) => {
    const started = Date.now();
    const r = await execa('node', [CLI, 'worker', ...args], {
      cwd: dir,
      env: server.env,
      reject: false,
      stdin: 'ignore',
      timeout: 60_000,
    });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('Error:'))).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /u);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('stops on SIGTERM while it cannot connect yet', async () => {
    // A port that accepts connections and never answers: connecting hangs.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const proc = execa('node', [CLI, 'worker', '--address', `127.0.0.1:${port}`], {
        cwd: dir,
        reject: false,
        stdin: 'ignore',
        timeout: 60_000,
      });
      await sleep(3000);
      expect(proc.exitCode).toBeNull();
      proc.kill('SIGTERM');
      const r = await proc;
      expect(r.timedOut).toBe(false);
      expect(r.isTerminated || r.exitCode !== 0).toBe(true);
      expect(r.exitCode).toBe(143);
    } finally {
      silent.close();
    }
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('a polling worker stops on %s within the grace period', async (signal) => {
    let output = '';
    const proc = execa('node', [CLI, 'worker', '--shutdown-grace', '5s'], {
      cwd: dir,
      env: server.env,
      reject: false,
      stdin: 'ignore',
      timeout: 90_000,
      all: true,
    });
    proc.all?.on('data', (d: Buffer) => (output += d.toString()));
    await waitForOutput({ output: () => output, exitCode: () => proc.exitCode }, 'polling task queue');
    const sent = Date.now();
    proc.kill(signal);
    const r = await proc;
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(0);
    expect(output).toMatch(/worker: stopped/u);
    expect(Date.now() - sent).toBeLessThan(20_000);
  });
});

describe('server refusals are messages, not stack traces', () => {
  it('sync and runs on a namespace that does not exist', async () => {
    for (const cmd of [['sync'], ['runs']]) {
      const r = await ours(dir, [...cmd, '--namespace', 'no-such-namespace'], server.env);
      expect(r.exitCode, `${cmd.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/Namespace 'no-such-namespace' does not exist/u);
      expect(r.stderr).toMatch(/fix: /u);
      expectShortMessage(r.stderr);
    }
  });

  it('runs before the first sync names the missing search attributes and the fix', async () => {
    const r = await ours(dir, ['runs'], server.env);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/search attributes/u);
    expect(r.stderr).toMatch(/meltano-temporal sync/u);
    expectShortMessage(r.stderr);
  });

  it('a server that cannot be reached: a short message by default; --verbose adds the error beneath it', async () => {
    const args = ['sync', '--address', '127.0.0.1:1', '--namespace', 'default'];
    // Side by side: each waits out the SDK's connect deadline.
    const [plain, verbose] = await Promise.all([
      ours(dir, args, {}),
      ours(makeProject({ 'meltano.yml': MELTANO_YML }), ['--verbose', ...args], {}),
    ]);
    expect(plain.exitCode).toBe(1);
    expectShortMessage(plain.stderr);
    expect(plain.stderr).not.toMatch(/cause:/u);
    expect(verbose.exitCode).toBe(1);
    expect(verbose.stderr).toMatch(
      /Error: Cannot reach the Temporal server at 127\.0\.0\.1:1 .*\n {2}fix: .*\n {2}cause: Error: Failed to connect before the deadline$/u,
    );
  });
});

describe('exit codes as meltano', () => {
  const cases: [string, string[], string[]][] = [
    ['unknown option', ['schedule', 'list', '--bogus'], ['schedule', 'list', '--bogus']],
    ['unknown top-level option', ['--bogus', 'schedule', 'list'], ['--bogus', 'schedule', 'list']],
    // meltano 4.4.1 crashes here (exit 1, a traceback from reading a null --tasks as YAML):
    // no oracle; ours is click's missing-option usage error, exit 2 (checked below).
    ['job add without --tasks', ['job', 'add', 'x'], []],
    [
      'schedule add with an invalid cron',
      ['schedule', 'add', 'bad', '--job', 'j1', '--interval', 'not a cron'],
      ['schedule', 'add', 'bad', '--job', 'j1', '--interval', 'not a cron'],
    ],
    ['schedule set with an invalid cron', ['schedule', 'set', 's1', '--interval', '99 * * * *'], []],
  ];
  it.each(cases)('%s', async (_name, ourArgs, theirArgs) => {
    const mine = await ours(makeProject({ 'meltano.yml': MELTANO_YML }), ourArgs);
    if (theirArgs.length) {
      const theirs = await meltano(makeProject({ 'meltano.yml': MELTANO_YML }), theirArgs);
      expect(mine.exitCode, `ours: ${mine.stderr}\nmeltano: ${theirs.stderr}`).toBe(theirs.exitCode);
    }
    expect(mine.exitCode).not.toBe(0);
    expectShortMessage(mine.stderr.replace(/\nUsage:[\s\S]*/u, ''));
  });

  it('job add without --tasks is a usage error (exit 2) naming the option', async () => {
    const mine = await ours(makeProject({ 'meltano.yml': MELTANO_YML }), ['job', 'add', 'x']);
    expect(mine.exitCode).toBe(2);
    expect(mine.stderr).toMatch(/required option '--tasks <yaml>' not specified/u);
  });
});

describe('an interval YAML reads as a number (`interval: 42`, unquoted)', () => {
  it('is listed as meltano lists it; sync refuses it with the file, the entry and the fix, and syncs the rest', async () => {
    const project = makeProject({
      'meltano.yml': MELTANO_YML.replace('project_id: cli-errors', 'project_id: cli-errors-interval'),
      'more.yml': 'schedules:\n- name: every-42\n  interval: 42\n  job: j1\n',
    });
    const yml = path.join(project, 'meltano.yml');
    writeFileSync(yml, `${readFileSync(yml, 'utf8')}include_paths:\n- ./more.yml\n`);
    const listed = await ours(project, ['schedule', 'list']);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("[42] job every-42: j1 → ['tap-a target-b']");
    const theirs = await meltano(project, ['schedule', 'list']);
    expect(theirs.stdout).toBe(listed.stdout);

    const r = await ours(project, ['sync'], server.env);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      "more.yml: schedule 'every-42': interval 42 is a YAML number, not a cron expression or preset, so no Temporal schedule can be made of it",
    );
    expect(r.stderr).toContain(
      "fix: give it a preset or 5-field cron as a string: meltano-temporal schedule set every-42 --interval '@daily' (or write it quoted in more.yml, e.g. interval: '0 */6 * * *')",
    );
    expect(r.stdout).toMatch(/\+ create s1 /u);
    expectShortMessage(r.stderr.replace(/^registered search attributes: .*\n/u, ''));
    // The fix it names works: the schedule is then synced.
    const fixed = await ours(project, ['schedule', 'set', 'every-42', '--interval', '@daily', '--no-temporal']);
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    expect(readFileSync(path.join(project, 'more.yml'), 'utf8')).toContain("interval: '@daily'");
    const again = await ours(project, ['sync'], server.env);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/\+ create every-42 /u);
  });
});
