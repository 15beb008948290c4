/**
 * The job workflow against a real Temporal dev server, real `meltano` and
 * real worker processes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pipelineProject } from '../helpers/pipeline.js';
import { sharedServer } from '../helpers/temporal.js';
import { type WorkerProcess, workersOfFile } from '../helpers/worker.js';
import { TEMPORAL } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';
import { descendants, signalPid } from '../../src/meltano/process-tree.js';
import { meltanoJob } from '../../workflows/index.js';
import type { JobRunInput, JobRunResult } from '../../workflows/types.js';

const server = sharedServer();
let client: Client;
const workers = workersOfFile();
let queueCounter = 0;

beforeAll(async () => {
  client = await server.client();
});

async function withWorker(
  dir: string,
  env: Record<string, string> = {},
  sameQueue?: string,
): Promise<{ queue: string; worker: WorkerProcess }> {
  const queue = sameQueue ?? `test-${process.pid}-${++queueCounter}`;
  const worker = workers.start(dir, server.env, queue, env);
  await worker.ready;
  return { queue, worker };
}

function start(queue: string, input: JobRunInput, id = `${queue}-run`) {
  return client.workflow.start(meltanoJob, { taskQueue: queue, workflowId: id, args: [input] });
}

/** Alive and not a zombie (a zombie has exited; only its parent has not reaped it yet). */
function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('job workflow', () => {
  it('runs each task as an activity in order; state carries from one task to the next; env reaches plugins', async () => {
    const dir = pipelineProject(`- name: count
  interval: '@daily'
  job: count
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
    TAP_COUNT_ROWS: '3'
`);
    const { queue } = await withWorker(dir);
    const handle = await start(queue, { projectRoot: dir, schedule: 'count' });
    const result = (await handle.result()) as JobRunResult;
    expect(result.job).toBe('count');
    expect(result.tasks.map((t) => [t.index, t.args, t.exitCode, t.attempt])).toEqual([
      [0, ['tap-count', 'target-lines'], 0, 1],
      [1, ['tap-count', 'target-lines'], 0, 1],
    ]);
    expect(result.tasks.map((t) => t.rowsPerStream)).toEqual([{ numbers: 3 }, { numbers: 3 }]);
    expect(new Set(result.tasks.map((t) => t.runId)).size).toBe(2);
    for (const t of result.tasks) expect(readFileSync(String(t.logFile), 'utf8')).toContain(`run ID '${t.runId}'`);
    // The second task resumed from the first task's bookmark: rows 1..6, each once.
    const rows = readFileSync(path.join(dir, 'out.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { n: number }).n);
    expect(rows).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('retries a failed task and succeeds; the attempt count is reported', async () => {
    const dir = pipelineProject(
      `- name: flaky
  interval: '@daily'
  job: count
  env:
    TAP_COUNT_FAIL_FILE: fails.txt
    TAP_COUNT_FAIL_TIMES: '1'
  annotations:
    temporal:
      attempts: 3
      backoff: 1s
`,
      `- name: count
  tasks:
  - tap-count target-lines
`,
    );
    const { queue } = await withWorker(dir);
    const result = (await (await start(queue, { projectRoot: dir, schedule: 'flaky' })).result()) as JobRunResult;
    expect(result.tasks).toHaveLength(1);
    expect(result.tasks[0]?.attempt).toBe(2);
    expect(readFileSync(path.join(dir, 'fails.txt'), 'utf8')).toBe('2');
  });

  it('fails at once, without retries, on a configuration error and names the task', async () => {
    const dir = pipelineProject(
      `- name: broken
  interval: '@daily'
  job: broken
  annotations:
    temporal:
      attempts: 5
      backoff: 1s
`,
      `- name: broken
  tasks:
  - tap-count target-nope
`,
    );
    const { queue } = await withWorker(dir);
    const handle = await start(queue, { projectRoot: dir, schedule: 'broken' });
    const err = await handle.result().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const failure = (err as WorkflowFailedError).cause;
    expect(failure?.message).toMatch(/Task 1\/1 'tap-count target-nope' of job 'broken' failed/u);
    expect(failure?.message).toMatch(/Block target-nope not found/u);
    // One attempt only: the history holds a single ActivityTaskStarted for the task.
    const history = await handle.fetchHistory();
    const started = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes);
    expect(started.map((e) => e.activityTaskStartedEventAttributes?.attempt)).toEqual([1]); // the task (resolveJob is a local activity)
  });

  it('cancelling the workflow kills the whole process tree of the running task', async () => {
    const dir = pipelineProject(
      `- name: slow
  interval: '@daily'
  job: count
  env:
    TAP_COUNT_SLEEP: '120'
    TAP_COUNT_PID_FILE: pids.txt
`,
      `- name: count
  tasks:
  - tap-count target-lines
`,
    );
    const { queue } = await withWorker(dir);
    const handle = await start(queue, { projectRoot: dir, schedule: 'slow' });
    const pidFile = path.join(dir, 'pids.txt');
    await waitFor('the tap to write its pids', () => existsSync(pidFile));
    const pids = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
    expect(pids.every(pidAlive)).toBe(true);
    await handle.cancel();
    const err = await handle.result().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(pids.filter(pidAlive)).toEqual([]);
  });

  it('a worker killed with SIGKILL mid-task (with its processes): the task runs again on another worker, finished tasks do not', async () => {
    const dir = pipelineProject(
      `- name: crash
  interval: '@daily'
  job: two
  env:
    TAP_COUNT_MARK_FILE: marks.txt
    TAP_COUNT_PID_FILE: pids.txt
  annotations:
    temporal:
      heartbeat_timeout: 30s
      backoff: 1s
`,
      `- name: two
  tasks:
  - tap-count target-lines
  - tap-count target-lines
`,
    );
    // Task 2 is slow on the first worker only: it is the one killed.
    const { queue, worker: first } = await withWorker(dir, { TAP_COUNT_SLEEP: '15' });
    const handle = await start(queue, { projectRoot: dir, schedule: 'crash' });
    const marks = path.join(dir, 'marks.txt');
    await waitFor(
      'task 2 to start',
      () => existsSync(marks) && readFileSync(marks, 'utf8').split('\n').filter(Boolean).length >= 2,
      { timeoutMs: 90_000 },
    );
    // Kill once Meltano has registered task 2's run (it then holds the run lock for this state id).
    const attempt1 = path.join(dir, '.meltano', 'logs', 'temporal', `${queue}-run`, 'task-2-attempt-1.log');
    await waitFor(
      "Meltano to register task 2's run",
      () => existsSync(attempt1) && readFileSync(attempt1, 'utf8').includes('Running job with name'),
      { timeoutMs: 90_000, intervalMs: 100 },
    );
    // Like a host or container crash: the worker and every process it started die at once, so
    // Meltano cannot release its run lock and the retry finds it held by this task's own run id.
    const pid = first.proc.pid ?? 0;
    for (const child of descendants(pid)) signalPid(child, 'SIGKILL');
    await first.stop('SIGKILL');
    const { worker: second } = await withWorker(dir, { TAP_COUNT_SLEEP: '0' }, queue);
    const result = (await Promise.race([
      handle.result(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no result in 150 s; second worker said:\n${second.output()}`)), 150_000),
      ),
    ])) as JobRunResult;
    expect(result.tasks.map((t) => t.index)).toEqual([0, 1]);
    expect(result.tasks[1]?.attempt).toBe(2);
    // Task 1 ran once, task 2 twice (the killed attempt and the retry).
    expect(readFileSync(marks, 'utf8').trim().split('\n')).toHaveLength(3);
    // The retry met the dead attempt's run lock (same run id, no heartbeat) and went on with --force
    // instead of waiting for Meltano's 5-minute stale window.
    const attempt2 = readFileSync(attempt1.replace('attempt-1', 'attempt-2'), 'utf8');
    expect(attempt2).toMatch(/Another 'dev:tap-count-to-target-lines' pipeline is already running/u);
    expect(attempt2).toContain('Run completed');
  }, 240_000);

  it('keeps schedule env values out of the raw history and never interprets shell metacharacters', async () => {
    const secret = 's3cr3t-Value-4711';
    const dir = pipelineProject(
      `- name: secretive
  interval: '@daily'
  job: count
  env:
    API_TOKEN: ${secret}
    TAP_COUNT_STREAM: 'x; touch pwned; $(touch pwned2) \`touch pwned3\`'
`,
      `- name: count
  tasks:
  - tap-count target-lines
`,
    );
    const { queue } = await withWorker(dir);
    const handle = await start(queue, { projectRoot: dir, schedule: 'secretive' });
    const result = (await handle.result()) as JobRunResult;
    expect(Object.keys(result.tasks[0]?.rowsPerStream ?? {})).toEqual([
      'x; touch pwned; $(touch pwned2) `touch pwned3`',
    ]);
    const shown = await execa(TEMPORAL, [
      'workflow',
      'show',
      '--workflow-id',
      handle.workflowId,
      '--address',
      server.address,
      '--namespace',
      server.namespace,
      '--output',
      'json',
    ]);
    // Payloads are base64 in the JSON history: decode every one before looking.
    const decoded = [...shown.stdout.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/gu)].map((m) =>
      Buffer.from(m[1] ?? '', 'base64').toString('utf8'),
    );
    const everything = `${shown.stdout}\n${decoded.join('\n')}`;
    expect(everything).toContain('tap-count');
    expect(everything).toContain('secretive');
    expect(everything).not.toContain(secret);
    for (const f of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(path.join(dir, f))).toBe(false);
  });
});
