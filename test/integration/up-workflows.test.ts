/**
 * `up` bundles the project's custom workflows again and restarts its worker when a workflow file
 * changes or appears: runs started afterwards run the new code. Real `up` process on the shared
 * dev server (TEMPORAL_ADDRESS: no embedded server), workflows in plain JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { ResultPromise } from 'execa';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject } from '../helpers/project.js';
import { spawnOurs } from '../helpers/run.js';
import { sharedServer } from '../helpers/temporal.js';
import { waitFor, waitForOutput } from '../helpers/wait.js';

const server = sharedServer();
let client: Client;
let proc: ResultPromise | undefined;

beforeAll(async () => {
  client = await server.client();
});

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    proc.kill('SIGKILL');
    await proc;
  }
});

const hello = (text: string): string => `export async function hello() {\n  return ${JSON.stringify(text)};\n}\n`;

describe('up and custom workflows', () => {
  it('re-bundles and restarts its worker when a workflow file changes or a new one appears', async () => {
    const queue = `up-workflows-${process.pid}`;
    const dir = makeProject({
      'meltano.yml': 'jobs:\n- name: j\n  tasks:\n  - tap-x target-y\n',
      'orchestrate/workflows/hello.js': hello('v1'),
    });
    const up = spawnOurs(['--project', dir, 'up'], { ...server.env, MELTANO_TEMPORAL_TASK_QUEUE: queue });
    proc = up.proc;
    await waitForOutput(up, '[up] worker polling task queue', { timeoutMs: 150_000 });
    expect(up.output()).toContain('custom workflows: hello from orchestrate/workflows');
    let n = 0;
    const run = async (type: string): Promise<unknown> =>
      client.workflow.execute(type, { taskQueue: queue, workflowId: `${type}-${queue}-${++n}`, args: [{}] });
    expect(await run('hello')).toBe('v1');

    writeFileSync(path.join(dir, 'orchestrate', 'workflows', 'hello.js'), hello('v2'));
    await waitForOutput(up, 'orchestrate/workflows/hello.js changed: bundling workflows again', {
      timeoutMs: 30_000,
    });
    // The old worker stops once the new one polls; until it has, a run may still meet the old code.
    await waitFor('a run of the changed code', async () => (await run('hello')) === 'v2', { timeoutMs: 60_000 });

    writeFileSync(
      path.join(dir, 'orchestrate', 'workflows', 'second.js'),
      'export const second = async () => "new";\n',
    );
    await waitForOutput(up, /custom workflows: hello, second from/u, { timeoutMs: 60_000 });
    await waitFor('a run of the new file', async () => (await run('second').catch(() => undefined)) === 'new', {
      timeoutMs: 60_000,
    });

    proc.kill('SIGINT');
    const r = await proc;
    expect(r.exitCode, up.output()).toBe(0);
  }, 300_000);
});
