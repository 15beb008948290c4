/**
 * Following a run (`schedule run`) while the Temporal server goes away:
 * a real dev server is SIGKILLed in the middle of a task and started again
 * on the same port and SQLite file; the worker process survives it. The
 * follower reconnects and reports the run's real outcome; a server gone for
 * longer than the reconnect window ends the following with exit code 4 and
 * the workflow id to look up, never as a failed run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipelineProject } from '../helpers/pipeline.js';
import { writeScript } from '../helpers/project.js';
import { startDevServer, type DevServer } from '../helpers/temporal.js';
import { sleep, waitForOutput } from '../helpers/wait.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { CLI, VENV_PATH, ours } from '../helpers/run.js';

// A server of its own: it is killed and restarted.
let server: DevServer;
let worker: WorkerProcess | undefined;
let dir: string;
const queue = `follow-${process.pid}`;

/** Kill the server as a crash would, wait, and start it again where it was. */
async function crashAndRestart(downMs: number): Promise<void> {
  await server.stop('SIGKILL');
  await sleep(downMs);
  server = await startDevServer({ port: server.port, dbFile: server.dbFile });
}

/** The CLI in the background, its output collected as it comes. */
function background(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const proc = execa('node', [CLI, ...args], {
    cwd: dir,
    env: {
      ...server.env,
      MELTANO_TEMPORAL_TASK_QUEUE: queue,
      PATH: VENV_PATH,
      ...env,
    },
    reject: false,
    stdin: 'ignore',
    buffer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  });
  proc.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exitCode = (): number | null => proc.exitCode;
  return {
    proc,
    stdout: { output: () => stdout, exitCode },
    stderr: { output: () => stderr, exitCode },
  };
}

/** `schedule run NAME` in the background. */
function scheduleRun(name: string, env: Record<string, string> = {}) {
  return background(['schedule', 'run', name], env);
}

async function status(workflowId: string): Promise<string> {
  const handle = (await server.client()).workflow.getHandle(workflowId);
  await handle.result().catch(() => undefined);
  return (await handle.describe()).status.name;
}

beforeAll(async () => {
  server = await startDevServer();
  dir = pipelineProject(
    `- name: slow
  interval: '@daily'
  job: one
- name: held
  interval: '@daily'
  job: one
  env:
    STAND_IN_RELEASE: __DIR__/release
`,
    `- name: one
  tasks:
  - tap-count target-lines
`,
  );
  // A stand-in for meltano: a task that prints a line and takes 45 s, long enough to outlive the outage,
  // or (schedule held) runs until the test releases it.
  const standIn = writeScript(
    dir,
    [
      '#!/bin/sh',
      'echo "stand-in meltano $*"',
      'if [ -n "$STAND_IN_RELEASE" ]; then',
      '  while [ ! -e "$STAND_IN_RELEASE" ]; do sleep 0.2; done',
      'else sleep "${STAND_IN_SECONDS:-45}"; fi',
      'echo done',
      '',
    ].join('\n'),
    'slow-meltano',
  );
  const sync = await ours(dir, ['sync'], { ...server.env, MELTANO_TEMPORAL_TASK_QUEUE: queue });
  expect(sync.exitCode, sync.stderr + sync.stdout).toBe(0);
  worker = startWorker(dir, server.env, queue, { MELTANO_BIN: standIn });
  await worker.ready;
}, 120_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await server?.stop();
});

describe('following a run while the server restarts', { timeout: 300_000 }, () => {
  it('reconnects and reports the completed run as completed (exit 0)', async () => {
    const run = scheduleRun('slow');
    await waitForOutput(run.stderr, /\[1\/1\] tap-count target-lines: started/u);
    const id = /started (\S+) \(schedule/u.exec(run.stderr.output())?.[1] ?? '';
    expect(id).toMatch(/^meltano:.*:dev:slow-/u);
    // `runs logs --follow` follows the same run through the outage.
    const logs = background(['runs', 'logs', id, '--follow']);
    await waitForOutput(logs.stdout, /stand-in meltano run --run-id/u);
    // Down longer than the client library's own retries of one call (about 20 s).
    await crashAndRestart(25_000);
    const followed = await logs.proc;
    expect(followed.exitCode, logs.stderr.output()).toBe(0);
    expect(logs.stderr.output()).toContain('lost the server, reconnecting…');
    expect(logs.stdout.output()).toMatch(/^done$/mu);
    const r = await run.proc;
    const stderr = run.stderr.output();
    process.stderr.write(`schedule run through a server restart:\n${stderr}`);
    expect(stderr).toContain('lost the server, reconnecting…');
    expect(stderr).toMatch(/reconnected to the server after \d+s/u);
    expect(stderr).toMatch(/\[1\/1\] tap-count target-lines: finished in [\d.]+s \(attempt 1\)/u);
    expect(stderr).toContain(`run ${id} completed: 1 task(s)`);
    expect(stderr).not.toContain(`run ${id} failed`);
    expect(r.exitCode, stderr).toBe(0);
    expect(await status(id)).toBe('COMPLETED');
    expect(worker?.proc.exitCode).toBeNull();
  });

  it('gives up after the reconnect window with exit code 4 and the workflow id; the run itself completes', async () => {
    // Held until the server is back: a task that ended while it was down would wait out its heartbeat timeout.
    const run = scheduleRun('held', { MELTANO_TEMPORAL_RECONNECT_TIMEOUT: '5s' });
    await waitForOutput(run.stderr, /\[1\/1\] tap-count target-lines: started/u);
    const id = /started (\S+) \(schedule/u.exec(run.stderr.output())?.[1] ?? '';
    await server.stop('SIGKILL');
    const r = await run.proc;
    const stderr = run.stderr.output();
    expect(stderr).toContain('lost the server, reconnecting…');
    expect(stderr).toContain(`Stopped following run ${id}: the Temporal server has not answered for`);
    expect(stderr).toContain('its outcome is unknown here, the run itself may still be going');
    expect(stderr).toContain(`temporal workflow describe --workflow-id ${id}`);
    expect(stderr).not.toContain(`run ${id} failed`);
    expect(r.exitCode, stderr).toBe(4);
    // The run was never ours to fail: once the server is back, it completes.
    server = await startDevServer({ port: server.port, dbFile: server.dbFile });
    writeFileSync(path.join(dir, 'release'), '');
    expect(await status(id)).toBe('COMPLETED');
  });

  it('a bad MELTANO_TEMPORAL_RECONNECT_TIMEOUT is refused before anything starts', async () => {
    const r = await ours(dir, ['schedule', 'run', 'slow'], {
      ...server.env,
      MELTANO_TEMPORAL_TASK_QUEUE: queue,
      MELTANO_TEMPORAL_RECONNECT_TIMEOUT: 'soon',
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("Invalid value for 'MELTANO_TEMPORAL_RECONNECT_TIMEOUT': 'soon' is not a duration.");
    expect(r.stderr).not.toContain('started');
  });
});
