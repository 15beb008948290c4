/**
 * `up` re-syncs on edits to every file the project loads, not only those in
 * the root: an included file in a sub-folder (`include_paths:
 * ['./subconfig/*.yml']`), a new file matching the pattern, and a file in a
 * folder that did not exist when `up` started. Real `temporal` dev server
 * (embedded by `up`), real worker.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultPromise } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject } from '../helpers/project.js';
import { freePort } from '../helpers/temporal.js';
import { spawnOurs } from '../helpers/run.js';
import { sleep, waitForOutput } from '../helpers/wait.js';

let proc: ResultPromise | undefined;

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    // SIGINT first: up stops its embedded server; SIGKILL would leave that server running.
    proc.kill('SIGINT');
    const timer = setTimeout(() => proc?.kill('SIGKILL'), 30_000);
    await proc;
    clearTimeout(timer);
  }
}, 40_000);

/** Wait for `up`'s output to match; fails at once when it exits. */
const upOutput = (output: () => string, pattern: RegExp, timeoutMs: number) =>
  waitForOutput({ output, exitCode: () => proc?.exitCode }, pattern, { timeoutMs, intervalMs: 250 });

const schedule = (name: string, interval: string): string => `schedules:
- name: ${name}
  interval: '${interval}'
  job: j1
`;

describe('up watches included files', () => {
  it('re-syncs on edits to included files in sub-folders, and on matching files created later', async () => {
    const dir = makeProject({
      'meltano.yml': `version: 1
project_id: 0b6f3f4e-0000-4000-8000-0000000013aa
default_environment: dev
environments:
- name: dev
include_paths:
- './subconfig/*.yml'
- './later/**/*.yml'
plugins:
  extractors:
  - name: tap-x
  loaders:
  - name: target-y
jobs:
- name: j1
  tasks:
  - tap-x target-y
`,
      'subconfig/schedules.yml': schedule('nightly', '@daily'),
    });
    const [port, uiPort] = [await freePort(), await freePort()];
    const up = spawnOurs(['--project', dir, 'up', '--port', String(port), '--ui-port', String(uiPort)]);
    proc = up.proc;
    const out = up.output;
    await upOutput(out, /\[up\] worker polling task queue/u, 150_000);
    expect(out()).toMatch(/\[up\] \+ create nightly \(meltano:[^)]*:dev:nightly\): @daily/u);

    // An included file in a sub-folder, edited in place.
    const included = path.join(dir, 'subconfig', 'schedules.yml');
    writeFileSync(included, readFileSync(included, 'utf8').replace('@daily', '@hourly'));
    await upOutput(out, /\[up\] ~ update nightly[^\n]*\n\s+interval: @daily -> @hourly/u, 30_000);
    expect(out()).toContain('[up] subconfig/schedules.yml changed: syncing');

    // A new file that matches include_paths.
    writeFileSync(path.join(dir, 'subconfig', 'more.yml'), schedule('extra', '@weekly'));
    await upOutput(out, /\[up\] \+ create extra \(meltano:[^)]*:dev:extra\): @weekly/u, 30_000);

    // A file two folders deep in a folder that did not exist when up started.
    mkdirSync(path.join(dir, 'later', 'deep'), { recursive: true });
    await sleep(1500);
    writeFileSync(path.join(dir, 'later', 'deep', 'late.yml'), schedule('late', '@monthly'));
    await upOutput(out, /\[up\] \+ create late \(meltano:[^)]*:dev:late\): @monthly/u, 30_000);

    // A broken included file is reported with its name; the schedules keep their last good state.
    writeFileSync(path.join(dir, 'later', 'deep', 'late.yml'), 'schedules: [\n');
    await upOutput(
      out,
      /\[up\] a project file has an error; the schedules keep their last good state:\nError: later\/deep\/late\.yml/u,
      30_000,
    );

    proc.kill('SIGINT');
    const r = await proc;
    expect(r.exitCode).toBe(0);
    expect(out()).toMatch(/\[up\] embedded Temporal stopped/u);
  }, 240_000);
});
