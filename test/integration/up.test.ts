/**
 * `up` on one host: the embedded dev server on free ports, sync, worker,
 * --trigger followed live, a re-sync when meltano.yml changes, a broken
 * edit reported while the last good state keeps running, and Ctrl-C
 * stopping everything. Real `temporal` dev server, real `meltano`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipelineProject } from '../helpers/pipeline.js';
import { makeProject, writeScript } from '../helpers/project.js';
import { freePort, sharedServer } from '../helpers/temporal.js';
import { sleep, waitFor, waitForOutput } from '../helpers/wait.js';
import { CLI, VENV_PATH, ours, spawnOurs } from '../helpers/run.js';

let proc: ResultPromise | undefined;
// For `up` on a server it did not start (TEMPORAL_ADDRESS); the first test's `up` starts its own.
const server = sharedServer();
let release: (() => void) | undefined;

afterAll(async () => {
  release?.();
  if (proc && proc.exitCode === null) {
    proc.kill('SIGKILL');
    await proc;
  }
});

/** Wait for `up`'s output to match; fails at once when it exits. */
const upOutput = (output: () => string, pattern: RegExp, timeoutMs: number) =>
  waitForOutput({ output, exitCode: () => proc?.exitCode }, pattern, { timeoutMs, intervalMs: 250 });

describe('up', () => {
  it('starts the server, syncs, triggers and follows a run, re-syncs on change, stops on SIGINT', async () => {
    const dir = pipelineProject(
      `- name: count
  interval: '@daily'
  job: count
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
`,
      `- name: count
  tasks:
  - tap-count target-lines
`,
    );
    const [port, uiPort] = [await freePort(), await freePort()];
    const up = spawnOurs(
      ['--project', dir, 'up', '--port', String(port), '--ui-port', String(uiPort), '--trigger', 'count'],
      { MELTANO_TEMPORAL_PROJECT: 'uptest' },
    );
    proc = up.proc;
    const out = up.output;
    await upOutput(out, /\[up\] run of count completed; up keeps running/u, 150_000);
    expect(out()).toMatch(/\[up\] starting the embedded Temporal dev server/u);
    expect(out()).toMatch(/\[up\] \+ create count \(meltano:uptest:dev:count\): @daily \(0 0 \* \* \*\), job count/u);
    expect(out()).toMatch(/\[up\] {3}count {20}@daily {9}next: \d{4}-\d\d-\d\dT00:00:00\.000Z/u);
    expect(out()).toMatch(
      new RegExp(`\\[up\\] Temporal Web UI: http://127\\.0\\.0\\.1:${uiPort}/namespaces/default/schedules`, 'u'),
    );
    expect(out()).toMatch(/\[up\] worker polling task queue 'meltano'/u);
    expect(out()).toMatch(/\[up\] triggered count: meltano:uptest:dev:count-/u);
    expect(out()).toMatch(/\[1\/1\] tap-count target-lines: finished in [\d.]+s \(attempt 1\), rows: numbers=3/u);
    expect(readFileSync(path.join(dir, 'out.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);

    const file = path.join(dir, 'meltano.yml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace("interval: '@daily'", "interval: '@hourly'"));
    await upOutput(out, /\[up\] ~ update count[^\n]*\n\s+interval: @daily -> @hourly/u, 30_000);
    writeFileSync(file, `${good}\n  broken: [\n`);
    await upOutput(
      out,
      /\[up\] a project file has an error; the schedules keep their last good state:\nError: meltano\.yml:\d+:\d+: YAML syntax error/u,
      30_000,
    );

    proc.kill('SIGINT');
    const r = await proc;
    expect(r.exitCode).toBe(0);
    expect(out()).toMatch(/\[up\] stopping: worker first/u);
    expect(out()).toMatch(/\[up\] embedded Temporal stopped/u);
  }, 240_000);
});

describe('up stopped while its followed run waits to retry', () => {
  it('Ctrl-C: up ends cleanly (following stops before the client closes), nothing uncaught, the server stopped', async () => {
    // The run's task fails while the file exists; its next attempt is 60 s away, so Ctrl-C
    // comes while following polls a run that no worker will move on before up exits.
    const dir = pipelineProject(
      `- name: count
  interval: '@daily'
  job: count
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
    TAP_COUNT_FAIL_WHILE: __DIR__/fail
  annotations:
    temporal:
      attempts: 5
      backoff: 60s
`,
      `- name: count
  tasks:
  - tap-count target-lines
`,
    );
    writeFileSync(path.join(dir, 'fail'), 'x');
    const [port, uiPort] = [await freePort(), await freePort()];
    const up = spawnOurs(
      ['--project', dir, 'up', '--port', String(port), '--ui-port', String(uiPort), '--trigger', 'count'],
      { MELTANO_TEMPORAL_PROJECT: 'uptest-retry' },
    );
    proc = up.proc;
    const out = up.output;
    await upOutput(out, /failing while/u, 120_000);
    // Following polls every second: a dozen calls (the SDK once left an abort listener per call
    // on up's stop signal, and Node warned on stderr past 10), then Ctrl-C mid-call.
    await sleep(12_500);
    proc.kill('SIGINT');
    const r = await proc;
    expect(out()).not.toMatch(/Channel has been shut down|Uncaught|^\s+at /mu);
    expect(out()).not.toMatch(/\(node:\d+\)|Warning:/u);
    expect(r.exitCode).toBe(0);
    expect(out()).toMatch(/\[up\] embedded Temporal stopped/u);
  }, 240_000);
});

/** A project whose `meltano` is a stand-in: it records each start and end, and holds `noop:slow` until released. */
function slotsProject(): string {
  const dir = makeProject({
    'meltano.yml': `version: 1
project_id: 6f1c2a4e-0000-4000-8000-0000000000f5
plugins:
  utilities:
  - name: noop
    namespace: noop
jobs:
- name: slow
  tasks:
  - noop:slow
- name: quick
  tasks:
  - noop:quick
schedules:
- name: hold
  interval: '@manual'
  job: slow
- name: second
  interval: '@manual'
  job: quick
`,
  });
  writeScript(
    dir,
    `#!/bin/sh
echo "start $*" >> '${dir}/runs.txt'
case "$*" in *noop:slow*) while [ ! -e '${dir}/release' ]; do sleep 0.1; done ;; esac
echo "end $*" >> '${dir}/runs.txt'
`,
  );
  writeFileSync(path.join(dir, 'runs.txt'), '');
  return dir;
}

describe('up with the worker flags', () => {
  it('--log-format json: every line is a JSON entry; --max-concurrent-tasks 1 reaches its worker', async () => {
    const dir = slotsProject();
    release = () => writeFileSync(path.join(dir, 'release'), '');
    const runs = (): string => readFileSync(path.join(dir, 'runs.txt'), 'utf8');
    const env = {
      ...server.env,
      MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
      MELTANO_BIN: path.join(dir, 'meltano-stand-in'),
      PATH: VENV_PATH,
    };
    let stderr = '';
    let stdout = '';
    proc = execa(
      'node',
      [CLI, 'up', '--log-format', 'json', '--max-concurrent-tasks', '1', '--concurrency', '2', '--trigger', 'hold'],
      { cwd: dir, env, reject: false, stdin: 'ignore', buffer: false },
    );
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    proc.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const out = (): string => stderr;
    await upOutput(out, /"message":"triggered hold: /u, 90_000);
    await waitFor('the slow task to start', () => runs().includes('noop:slow'), { detail: out });

    // The only task slot is held: a second run's task is scheduled but does not start.
    const second = await ours(dir, ['schedule', 'run', 'second', '--no-wait'], env);
    expect(second.exitCode, second.stderr).toBe(0);
    const handle = (await server.client()).workflow.getHandle(second.stdout.trim());
    await waitFor('the second run to schedule its task', async () => {
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      return pending.some((p) => p.activityType?.name === 'runMeltanoTask');
    });
    await sleep(2000);
    expect(runs()).not.toContain('noop:quick');
    release();
    await handle.result();
    const lines = runs().split('\n').filter(Boolean);
    expect(lines.map((l) => l.replace(/--run-id \S+ /u, ''))).toEqual([
      'start run noop:slow',
      'end run noop:slow',
      'start run noop:quick',
      'end run noop:quick',
    ]);

    await upOutput(out, /"message":"run of hold completed; up keeps running/u, 30_000);
    proc.kill('SIGINT');
    const r = await proc;
    expect(r.exitCode).toBe(0);
    expect(stdout).toBe('');
    const entries = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const e of entries) {
      expect(Number.isNaN(Date.parse(String(e.time)))).toBe(false);
      expect(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).toContain(e.level);
      expect(typeof e.message).toBe('string');
    }
    const messages = (component: string): string[] =>
      entries.filter((e) => e.sdkComponent === component).map((e) => String(e.message));
    expect(messages('up')).toEqual(
      expect.arrayContaining([
        `using the Temporal server at ${server.address}`,
        "worker polling task queue 'meltano'; Ctrl-C stops everything",
        expect.stringMatching(/^sync: 0 unchanged, 2 changed, 0 error\(s\)$/u),
        expect.stringMatching(/^\[1\/1\] noop:slow: finished in [\d.]+s \(attempt 1\)$/u),
        'stopping: worker first (running tasks get the grace period), then the server',
      ]),
    );
    expect(messages('worker')).toContain('Worker state changed');
  }, 240_000);

  it('refuses a bad --concurrency or --log-format as a usage error, in text', async () => {
    const dir = slotsProject();
    const bad = await ours(dir, ['up', '--concurrency', '0']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^Error: Invalid value for '--concurrency': '0' is not a whole number from 1 to 256/u);
    const format = await ours(dir, ['up', '--log-format', 'xml']);
    expect(format.exitCode).toBe(2);
    expect(format.stderr).toMatch(/^Error: Invalid value for '--log-format': 'xml' is not a log format\./u);
  });
});
