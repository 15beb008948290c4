/**
 * The README's pipeline example runs as written: its YAML, completed with the three jobs it names (tasks of a
 * stand-in `meltano` that stamps them), is a project the real `meltano` lists, and that `sync` takes; the two
 * EL runs started together take the warehouse one at a time, and dbt runs once, after both, alone. Real dev
 * server, a real worker process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject, writeScript } from '../helpers/project.js';
import { sharedServer } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { meltano, ours, QUIET_MELTANO_ENV, REPO_ROOT } from '../helpers/run.js';
import type { JobRunInput } from '../../workflows/types.js';

const server = sharedServer();
const queue = `readme-pipelines-${process.pid}`;
const project = `readme-pipelines-${process.pid}`;
let client: Client;
let dir: string;
let worker: WorkerProcess | undefined;

/** The YAML block of the README's "Pipelines" section. */
function readmeExample(): string {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Pipelines'));
  const block = /```yaml\n([\s\S]*?)```/u.exec(section)?.[1];
  if (!block) throw new Error('README.md: no YAML block in the Pipelines section');
  return block;
}

beforeAll(async () => {
  client = await server.client();
  const stamps = '__DIR__/stamps.txt';
  dir = makeProject({
    'meltano.yml': `project_id: 7a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d
default_environment: dev
environments:
- name: dev
plugins:
  utilities:
  - name: noop
    namespace: noop
jobs:
- {name: shop-el, tasks: ['noop:shop']}
- {name: crm-el, tasks: ['noop:crm']}
- {name: dbt-build, tasks: ['noop:dbt']}
${readmeExample()}`,
  });
  writeScript(
    dir,
    `#!/bin/sh
task=$(echo "$*" | sed 's/.*noop://')
echo "start $task $(date +%s%3N)" >> '${stamps.replace('__DIR__', dir)}'
sleep 1
echo "end $task $(date +%s%3N)" >> '${stamps.replace('__DIR__', dir)}'
`,
  );
  writeFileSync(path.join(dir, 'stamps.txt'), '');
}, 60_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
});

const env = (): Record<string, string> => ({ ...server.env, MELTANO_TEMPORAL_PROJECT: project });
const stamps = (): Array<[string, string, number]> =>
  readFileSync(path.join(dir, 'stamps.txt'), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [kind = '', task = '', at = '0'] = l.split(' ');
      return [kind, task, Number(at)];
    });

describe("the README's pipeline example", () => {
  it('meltano lists it; sync takes it; the EL runs share the warehouse one at a time and dbt runs once, after both', async () => {
    const listed = await meltano(dir, ['schedule', 'list', '--format=json'], QUIET_MELTANO_ENV);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(
      (JSON.parse(listed.stdout) as { schedules: { job: Array<{ name: string }> } }).schedules.job.map((s) => s.name),
    ).toEqual(['shop-el', 'crm-el', 'dbt']);

    const synced = await ours(dir, ['sync', '--task-queue', queue], env());
    expect(synced.exitCode, synced.stderr).toBe(0);
    worker = startWorker(dir, env(), queue, { MELTANO_BIN: path.join(dir, 'meltano-stand-in') });
    await worker.ready;
    const runs = await Promise.all(
      ['shop-el', 'crm-el'].map(async (name) => {
        const d = await client.schedule.getHandle(`meltano:${project}:dev:${name}`).describe();
        if (d.action.type !== 'startWorkflow') throw new Error('not a startWorkflow action');
        return client.workflow.start('meltanoJob', {
          taskQueue: queue,
          workflowId: `${d.action.workflowId}-readme`,
          args: d.action.args as [JobRunInput],
        });
      }),
    );
    await Promise.all(runs.map((r) => r.result()));
    await waitFor(
      'dbt to run and end',
      () => stamps().some(([kind, task]) => kind === 'end' && task === 'dbt') || undefined,
    );
    const all = stamps();
    expect(all.map(([kind, task]) => `${kind} ${task}`).slice(-2)).toEqual(['start dbt', 'end dbt']);
    // One at a time: every start comes after the previous task's end.
    expect(all.map(([kind]) => kind)).toEqual(['start', 'end', 'start', 'end', 'start', 'end']);
    const dbtStart = all.find(([kind, task]) => kind === 'start' && task === 'dbt')?.[2] ?? 0;
    expect(all.filter(([kind, task]) => kind === 'end' && task !== 'dbt').every(([, , at]) => at <= dbtStart)).toBe(
      true,
    );
  }, 180_000);
});
