/**
 * `runs logs` from any host (issue 26, item 4): two real worker processes,
 * each with its own project copy and log folder, on task queues of their own.
 * Each host's `runs logs` reads the other's task logs over Temporal while that
 * worker lives (and follows one as it grows); once it is stopped, the shared
 * log archive still has them, and without the archive the message says the
 * worker is gone and how to keep logs. Real dev server, real `meltano`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyProject, tempDir } from '../helpers/project.js';
import { pipelineProject } from '../helpers/pipeline.js';
import { CLI, ours } from '../helpers/run.js';
import { sharedServer } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';
import { type WorkerProcess, workersOfFile } from '../helpers/worker.js';
import { listTaskLogs } from '../../src/meltano/task-logs.js';
import { WORKFLOW_TYPE } from '../../workflows/contract.js';

const server = sharedServer();
let client: Client;
let dirA: string;
let dirB: string;
const workers = workersOfFile();

beforeAll(async () => {
  client = await server.client();
  dirA = pipelineProject(`- name: a
  interval: '@daily'
  job: count
- name: slow
  interval: '@daily'
  job: count
  env:
    TAP_COUNT_SLEEP: '8'
`);
  dirB = copyProject(dirA, 'mt-host-b-');
});

async function worker(dir: string, queue: string, env: Record<string, string> = {}, args: string[] = []) {
  const w = workers.start(dir, server.env, queue, env, args);
  await w.ready;
  return w;
}

let seq = 0;
async function start(queue: string, schedule = 'a') {
  return client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: queue,
    workflowId: `logs-any-host-${queue}-${++seq}-${Date.now()}`,
    args: [{ schedule }],
  });
}

const logs = (dir: string, args: string[], env: Record<string, string> = {}) =>
  ours(dir, ['runs', 'logs', ...args], { ...server.env, ...env });

/** The task logs a run left in one project, as `[file, text]`. */
function written(dir: string, workflowId: string): Array<[string, string]> {
  return listTaskLogs(dir, workflowId).map((l) => [l.file, readFileSync(l.file, 'utf8')]);
}

describe('runs logs from any host', () => {
  let a: WorkerProcess;
  let runA: string;

  it("each host shows the other worker's task logs over Temporal, and follows a running one", async () => {
    a = await worker(dirA, 'host-a');
    await worker(dirB, 'host-b');
    const [ha, hb] = await Promise.all([start('host-a'), start('host-b')]);
    await Promise.all([ha.result(), hb.result()]);
    runA = ha.workflowId;
    for (const [reader, writer, id] of [
      [dirB, dirA, ha.workflowId],
      [dirA, dirB, hb.workflowId],
    ] as const) {
      const files = written(writer, id);
      expect(files.map(([f]) => path.basename(f))).toEqual(['task-1-attempt-1.log', 'task-2-attempt-1.log']);
      // Not on the reader's disk: read from the other worker.
      expect(listTaskLogs(reader, id)).toEqual([]);
      const r = await logs(reader, [id]);
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      for (const [file, text] of files) {
        expect(r.stdout).toMatch(
          new RegExp(`==> task \\d, attempt 1: worker \\d+@\\S+: ${file.replace(/[.]/gu, '\\.')} <==`, 'u'),
        );
        expect(r.stdout).toContain(text.trimEnd());
      }
      const one = await logs(reader, [id, '--task', '2']);
      expect(one.stdout).toBe(files[1]?.[1].trimEnd());
    }

    // --follow on host A of a run that is going on at host B: streamed until the run ends.
    const slow = await start('host-b', 'slow');
    await waitFor('the slow run to start its first task', async () =>
      (await slow.describe()).raw.pendingActivities?.length ? true : undefined,
    );
    const follow = execa('node', [CLI, 'runs', 'logs', slow.workflowId, '--follow'], {
      cwd: dirA,
      env: server.env,
      reject: false,
      stdin: 'ignore',
      buffer: true,
    });
    let streamed = '';
    follow.stdout?.on('data', (d: Buffer) => {
      streamed += d.toString();
    });
    // Lines of the first task arrive while the run is still going on (each task sleeps 8s).
    await waitFor('the first lines of the running task on host A', () =>
      streamed.includes('==> task 1, attempt 1: worker') ? true : undefined,
    );
    expect((await slow.describe()).status.name).toBe('RUNNING');
    await slow.result();
    const followed = await follow;
    expect(followed.exitCode).toBe(0);
    const files = written(dirB, slow.workflowId);
    expect(files).toHaveLength(2);
    for (const [, text] of files) expect(followed.stdout).toContain(text.trimEnd());
  }, 240_000);

  it('a stopped worker without an archive: says the worker is gone and how to keep logs', async () => {
    await a.stop('SIGTERM');
    const r = await logs(dirB, [runA]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/task 1 'tap-count target-lines' ran on worker \d+@\S+, which is gone/u);
    expect(r.stderr).toContain(path.join(dirA, '.meltano', 'logs', 'temporal'));
    expect(r.stderr).toMatch(/set MELTANO_TEMPORAL_LOG_ARCHIVE to a folder every host shares/u);
  }, 120_000);
});

describe('the shared log archive', () => {
  it('keeps finished task logs readable after their worker is gone; retention prunes it', async () => {
    const archive = tempDir('mt-log-archive-');
    // A run folder older than the retention: the worker removes it when it starts.
    const old = path.join(archive, 'old-run');
    mkdirSync(old);
    writeFileSync(path.join(old, 'task-1-attempt-1.log'), 'old\n');
    const longAgo = new Date(Date.now() - 40 * 86_400_000);
    utimesSync(path.join(old, 'task-1-attempt-1.log'), longAgo, longAgo);
    const env = { MELTANO_TEMPORAL_LOG_ARCHIVE: archive };
    const c = await worker(dirA, 'host-c', env, ['--log-retention', '30d']);
    await waitFor('the archive pruner to remove the old run folder', () => !existsSync(old) || undefined);
    const h = await start('host-c');
    await h.result();
    const files = written(dirA, h.workflowId);
    expect(files).toHaveLength(2);
    await c.stop('SIGTERM');
    const r = await logs(dirB, [h.workflowId], env);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    for (const [file, text] of files) {
      expect(r.stdout).toContain(`${path.join(archive, h.workflowId, path.basename(file))} <==`);
      expect(r.stdout).toContain(text.trimEnd());
    }
  }, 180_000);
});
