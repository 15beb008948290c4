/**
 * `annotations.temporal.task_queue` routes a schedule's runs to the workers polling that
 * queue: two workers on two queues, each schedule's tasks run only on its queue's worker;
 * one worker given `--task-queue a,b` polls both. `schedule describe` and `doctor` warn while
 * nobody polls a schedule's queue. Real dev server, real workers, real `meltano`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pipelineProject } from '../helpers/pipeline.js';
import { sharedServer } from '../helpers/temporal.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { cliEnv, ours } from '../helpers/run.js';

const server = sharedServer();
const QUEUE_A = 'routing-a';
const QUEUE_B = 'routing-b';
let dir: string;
let env: Record<string, string>;
const workers: WorkerProcess[] = [];

const SCHEDULES = `- name: on-a
  interval: '@daily'
  job: one
  env:
    TAP_COUNT_MARK_FILE: __DIR__/on-a.marks
- name: on-b
  interval: '@daily'
  job: one
  env:
    TAP_COUNT_MARK_FILE: __DIR__/on-b.marks
  annotations:
    temporal:
      task_queue: ${QUEUE_B}
`;
const JOBS = `- name: one
  tasks:
  - tap-count target-lines
`;

const cli = (args: string[]) => ours(dir, args, env);
/** Which worker ran each task of a schedule: the worker's TAP_COUNT_LABEL, one line per task. */
const marks = (schedule: string): string[] => {
  const file = path.join(dir, `${schedule}.marks`);
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
};
const worker = (name: string, queues: string): WorkerProcess => {
  const w = startWorker(dir, server.env, queues, { TAP_COUNT_LABEL: name });
  workers.push(w);
  return w;
};

beforeAll(async () => {
  dir = pipelineProject(SCHEDULES, JOBS);
  env = cliEnv(server.env, 'routing', QUEUE_A);
  const sync = await cli(['sync']);
  expect(sync.exitCode, sync.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

describe('task queue routing', { timeout: 240_000 }, () => {
  it('describe and doctor warn while nobody polls the queue a schedule is routed to', async () => {
    const described = await cli(['schedule', 'describe', 'on-b']);
    expect(described.exitCode, described.stderr).toBe(0);
    expect(described.stdout).toContain(
      `task queue ${QUEUE_B}: WARNING: no worker polls it, runs will wait; start one: meltano-temporal worker --task-queue ${QUEUE_B}`,
    );
    const json = JSON.parse((await cli(['schedule', 'describe', 'on-b', '--format=json'])).stdout) as {
      taskQueue: string;
      pollers: string[];
    };
    expect([json.taskQueue, json.pollers]).toEqual([QUEUE_B, []]);
    const doctor = await cli(['doctor', '--format=json']);
    const checks = (JSON.parse(doctor.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> })
      .checks;
    expect(checks.filter((c) => c.name === 'workers' && c.detail.includes(QUEUE_B))).toEqual([
      {
        name: 'workers',
        ok: false,
        detail: `nobody polls task queue '${QUEUE_B}', where annotations.temporal.task_queue sends schedules on-b: their runs will wait`,
        fix: `start one: meltano-temporal worker --task-queue ${QUEUE_B} (or --task-queue ${QUEUE_A},${QUEUE_B})`,
      },
    ]);
  });

  it("two workers on two queues: each schedule's tasks run only on its queue's worker", async () => {
    const a = worker('worker-a', QUEUE_A);
    const b = worker('worker-b', QUEUE_B);
    await Promise.all([a.ready, b.ready]);
    for (const schedule of ['on-a', 'on-b', 'on-b', 'on-a']) {
      const r = await cli(['schedule', 'run', schedule]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    expect(marks('on-a')).toEqual(['worker-a', 'worker-a']);
    expect(marks('on-b')).toEqual(['worker-b', 'worker-b']);
    const described = await cli(['schedule', 'describe', 'on-b']);
    expect(described.stdout).toMatch(new RegExp(`task queue ${QUEUE_B}: 1 worker\\(s\\) polling`, 'u'));
    await Promise.all([a.stop(), b.stop()]);
  });

  it('one worker with --task-queue a,b polls both queues', async () => {
    const both = worker('worker-both', `${QUEUE_A},${QUEUE_B}`);
    await both.ready;
    expect(both.output()).toContain(`polling task queue '${QUEUE_A}', '${QUEUE_B}'`);
    for (const schedule of ['on-a', 'on-b']) {
      const r = await cli(['schedule', 'run', schedule]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    expect(marks('on-a').at(-1)).toBe('worker-both');
    expect(marks('on-b').at(-1)).toBe('worker-both');
  });

  it('a task_queue that is not a queue name is refused with the file, the entry and the fix', async () => {
    const bad = pipelineProject(
      `- name: x
  interval: '@daily'
  job: one
  annotations:
    temporal:
      task_queue: 'a,b'
`,
      JOBS,
    );
    const r = await ours(bad, ['sync'], env);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /meltano\.yml: schedule 'x' annotations\.temporal: task_queue must be a task queue name \(no spaces around it, no comma\), not "a,b"/u,
    );
  });
});
