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
import { freePort } from '../helpers/temporal.js';
import { CLI, MELTANO, VENV_BIN } from '../helpers/run.js';

let proc: ResultPromise | undefined;

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    proc.kill('SIGKILL');
    await proc;
  }
});

async function waitFor(output: () => string, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(output())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; output:\n${output()}`);
    if (proc?.exitCode !== null) throw new Error(`up exited; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

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
    let output = '';
    proc = execa(
      'node',
      [CLI, '--project', dir, 'up', '--port', String(port), '--ui-port', String(uiPort), '--trigger', 'count'],
      {
        env: {
          MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
          MELTANO_BIN: MELTANO,
          PATH: `${VENV_BIN}:${process.env.PATH ?? ''}`,
          MELTANO_TEMPORAL_PROJECT: 'uptest',
        },
        reject: false,
        stdin: 'ignore',
        all: true,
        buffer: false,
      },
    );
    proc.all?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const out = (): string => output;
    await waitFor(out, /\[up\] run of count completed; up keeps running/u, 150_000);
    expect(output).toMatch(/\[up\] starting the embedded Temporal dev server/u);
    expect(output).toMatch(/\[up\] \+ create count \(meltano:uptest:dev:count\): @daily \(0 0 \* \* \*\), job count/u);
    expect(output).toMatch(/\[up\] {3}count {20}@daily {9}next: \d{4}-\d\d-\d\dT00:00:00\.000Z/u);
    expect(output).toMatch(
      new RegExp(`\\[up\\] Temporal Web UI: http://127\\.0\\.0\\.1:${uiPort}/namespaces/default/schedules`, 'u'),
    );
    expect(output).toMatch(/\[up\] worker polling task queue 'meltano'/u);
    expect(output).toMatch(/\[up\] triggered count: meltano:uptest:dev:count-/u);
    expect(output).toMatch(/\[1\/1\] tap-count target-lines: finished in [\d.]+s \(attempt 1\), rows: numbers=3/u);
    expect(readFileSync(path.join(dir, 'out.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);

    const file = path.join(dir, 'meltano.yml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace("interval: '@daily'", "interval: '@hourly'"));
    await waitFor(out, /\[up\] ~ update count[^\n]*\n\s+interval: @daily -> @hourly/u, 30_000);
    writeFileSync(file, `${good}\n  broken: [\n`);
    await waitFor(
      out,
      /\[up\] a project file has an error; the schedules keep their last good state:\nError: meltano\.yml:\d+:\d+: YAML syntax error/u,
      30_000,
    );

    proc.kill('SIGINT');
    const r = await proc;
    expect(r.exitCode).toBe(0);
    expect(output).toMatch(/\[up\] stopping: worker first/u);
    expect(output).toMatch(/\[up\] embedded Temporal stopped/u);
  }, 240_000);
});
