/**
 * The on-call controls end to end, on the shared dev server with real worker
 * processes: a task that prints once and hangs fails as stalled after its
 * stall_timeout, is retried per policy and leaves no process behind;
 * `pause_after_failures: 3` pauses the schedule on the third failed run in a
 * row with a note and one `paused` alert, and an unpause restarts the count;
 * `runs retry --from-task` / `--skip-task` run exactly the right tasks and
 * record who skipped what.
 *
 * The task is a stand-in for `meltano` (MELTANO_BIN, a shell script: real
 * processes, no Python start-up), steered by files in the project: what it
 * printed and the pids it started are written down for the test to check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject, writeScript } from '../helpers/project.js';
import { sharedServer } from '../helpers/temporal.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { MELTANO, VENV_PATH, ours } from '../helpers/run.js';
import { pipelineProject } from '../helpers/pipeline.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { FAILURE, type RetryRunMemo } from '../../workflows/contract.js';
import type { JobRunResult } from '../../workflows/types.js';
import type { RunRow } from '../../src/temporal/runs.js';

const server = sharedServer();
let client: Client;
const workers: WorkerProcess[] = [];
const receivers: WebhookReceiver[] = [];
let queueCounter = 0;

beforeAll(async () => {
  client = await server.client();
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  await Promise.all(receivers.map((r) => r.close()));
});

/**
 * The stand-in `meltano run --run-id ID BLOCKS...`: notes its blocks in `calls`; fails while
 * `fail.flag` names its first block; with `hang.flag`, prints once, starts a grandchild in a
 * session of its own (out of reach of a process-group signal) and hangs; pids go to `pids`.
 */
const STAND_IN = `#!/bin/sh
dir=$(dirname "$0")
shift 3
echo "$*" >> "$dir/calls"
if [ -f "$dir/fail.flag" ] && [ "$(cat "$dir/fail.flag")" = "$1" ]; then
  echo "stand-in: $1 fails on purpose" >&2
  exit 1
fi
if [ -f "$dir/hang.flag" ]; then
  echo "stand-in: started $*, now waiting on an API that never answers"
  setsid sleep 600 &
  echo "$$ $!" >> "$dir/pids"
  exec sleep 600
fi
echo "stand-in: $* done"
`;

function project(meltanoYml: string): string {
  const dir = makeProject({});
  writeFileSync(path.join(dir, 'meltano.yml'), meltanoYml);
  writeScript(dir, STAND_IN);
  return dir;
}

const JOBS = `default_environment: dev
environments:
- name: dev
jobs:
- name: three
  tasks:
  - tap-a target-x
  - tap-b target-x
  - tap-c target-x
`;

async function deploy(dir: string, workerEnv: Record<string, string> = {}) {
  const queue = `oncall-${process.pid}-${++queueCounter}`;
  const cliEnv = { ...server.env, MELTANO_TEMPORAL_TASK_QUEUE: queue, PATH: VENV_PATH };
  const cli = (args: string[]) => ours(dir, args, cliEnv);
  const sync = await cli(['sync']);
  expect(sync.exitCode, sync.stderr + sync.stdout).toBe(0);
  const worker = startWorker(dir, server.env, queue, {
    MELTANO_BIN: path.join(dir, 'meltano-stand-in'),
    MELTANO_TEMPORAL_STOP_GRACE_MS: '2000',
    ...workerEnv,
  });
  workers.push(worker);
  await worker.ready;
  return { cli, worker };
}

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  receivers.push(r);
  return r;
}

const read = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

const startedId = (stderr: string): string => /started (\S+)/u.exec(stderr)?.[1] ?? '';

describe('on-call controls', { timeout: 300_000 }, () => {
  it('a task that prints once and hangs fails as stalled after stall_timeout, is retried per policy, and its process tree is gone', async () => {
    const hook = await receiver();
    const dir = project(`${JOBS}annotations:
  temporal:
    stall_timeout: 4s
schedules:
- name: stuck
  interval: '@daily'
  job: three
  annotations:
    temporal:
      attempts: 2
      backoff: 1s
      notify:
        webhook: \${ONCALL_WEBHOOK}
        on: [failure]
`);
    writeFileSync(path.join(dir, 'hang.flag'), '');
    const { cli } = await deploy(dir, { ONCALL_WEBHOOK: hook.url });

    const run = await cli(['schedule', 'run', 'stuck']);
    expect(run.exitCode, run.stderr).toBe(1);
    const id = startedId(run.stderr);
    expect(run.stderr).toContain('stalled: no output for');

    // Retried per policy: two attempts of task 1, then the run failed; task 2 never ran.
    expect(read(path.join(dir, 'calls'))).toEqual(['tap-a target-x', 'tap-a target-x']);
    const err = await client.workflow
      .getHandle(id)
      .result()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const types: string[] = [];
    for (let e = err as { cause?: unknown; type?: string } | undefined; e; e = e.cause as typeof e)
      if (e.type) types.push(e.type);
    expect(types).toEqual([FAILURE.taskFailed, FAILURE.taskStalled]);

    // Every process of both attempts is gone, the grandchild in its own session too.
    const pids = read(path.join(dir, 'pids')).flatMap((l) => l.split(' ').map(Number));
    expect(pids).toHaveLength(4);
    await waitFor('the stalled tasks’ processes to be gone', () => pids.every((p) => !existsSync(`/proc/${p}`)), {
      timeoutMs: 20_000,
    });

    // The alert names the stall.
    const [alert] = await hook.waitFor(1);
    expect(alert?.json).toMatchObject({ event: 'stalled', schedule: 'stuck', workflowId: id, status: 'failed' });
    expect(String(alert?.json?.text)).toContain('stalled at task 1/3 `tap-a target-x`');

    // `runs` names it too.
    const listed = await waitFor('the stalled run listed', async () => {
      const r = await cli(['runs', 'stuck']);
      return r.stdout.includes('stalled') ? r : undefined;
    });
    expect(listed.stdout).toContain(`stalled (no output for its stall_timeout) at 'tap-a target-x': ${id}`);
    const json = JSON.parse((await cli(['runs', 'stuck', '--format=json'])).stdout) as { runs: RunRow[] };
    expect(json.runs[0]).toMatchObject({
      workflowId: id,
      failedTask: 'tap-a target-x',
      failureType: FAILURE.taskStalled,
    });
    process.stdout.write(`\n--- runs stuck, as printed ---\n${listed.stdout}\n`);
  });

  it('real meltano whose tap hangs after one line: stalled, and meltano, the tap and its child are gone', async () => {
    const dir = pipelineProject(`- name: hung-tap
  interval: '@daily'
  job: count
  env:
    TAP_COUNT_ECHO: 'tap-count: waiting for the API to answer'
    TAP_COUNT_SLEEP: '600'
    TAP_COUNT_PID_FILE: __DIR__/tap.pids
    TARGET_LINES_FILE: __DIR__/out.jsonl
  annotations:
    temporal:
      attempts: 1
      stall_timeout: 20s
`);
    const { cli, worker } = await deploy(dir, { MELTANO_BIN: MELTANO });
    const run = await cli(['schedule', 'run', 'hung-tap']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toContain("meltano run 'tap-count target-lines' stalled: no output for");
    // The tap printed its one line through meltano (masked: it is the schedule's env value), then nothing:
    // meltano's own output does not keep a hung task alive.
    expect(worker.output()).toMatch(/\[info\s*\] tap-count\s+\*\*\*/u);
    const tapPids = readFileSync(path.join(dir, 'tap.pids'), 'utf8').trim().split(' ').map(Number);
    expect(tapPids).toHaveLength(2);
    await waitFor('the tap and its child to be gone', () => tapPids.every((p) => !existsSync(`/proc/${p}`)), {
      timeoutMs: 30_000,
    });
    const listed = await waitFor('the stalled run listed', async () => {
      const r = await cli(['runs', 'hung-tap']);
      return r.stdout.includes('stalled') ? r : undefined;
    });
    expect(listed.stdout).toContain("stalled (no output for its stall_timeout) at 'tap-count target-lines'");
    process.stdout.write(`\n--- runs hung-tap (real meltano), as printed ---\n${listed.stdout}\n`);
  });

  it('pause_after_failures: 3 pauses on the third failed run in a row, with a note and one alert; unpausing restarts the count', async () => {
    const hook = await receiver();
    const dir = project(`${JOBS}schedules:
- name: flaky
  interval: '@daily'
  job: three
  annotations:
    temporal:
      attempts: 1
      pause_after_failures: 3
      notify:
        webhook: \${ONCALL_WEBHOOK}
        on: [failure]
`);
    writeFileSync(path.join(dir, 'fail.flag'), 'tap-a');
    const { cli } = await deploy(dir, { ONCALL_WEBHOOK: hook.url });
    const describe = async (): Promise<string> => {
      const r = await cli(['schedule', 'describe', 'flaky']);
      expect(r.exitCode, r.stderr).toBe(0);
      return r.stdout;
    };
    expect(await describe()).toContain('failures   pauses itself after 3 failed runs in a row');

    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const run = await cli(['schedule', 'run', 'flaky']);
      expect(run.exitCode, run.stderr).toBe(1);
      ids.push(startedId(run.stderr));
      if (i < 3) expect(await describe()).toContain('paused     no');
    }
    // The pause is a patch the server's scheduler applies on its own: wait for describe to show it.
    const shown = await waitFor('the schedule paused', async () => {
      const text = await describe();
      return text.includes('paused     yes') ? text : undefined;
    });
    expect(shown).toContain(
      `paused     yes (paused by meltano-temporal after 3 failed runs in a row (pause_after_failures: 3; last: ${ids[2]} at `,
    );
    const messages = await hook.waitFor(4);
    await sleep(2000);
    const events = hook.requests.map((r) => r.json?.event);
    expect(events.filter((e) => e === 'paused')).toHaveLength(1);
    expect(events.filter((e) => e === 'failure')).toHaveLength(3);
    const paused = messages.find((m) => m.json?.event === 'paused')?.json ?? {};
    expect(paused).toMatchObject({ schedule: 'flaky', workflowId: ids[2], status: 'paused', pausedAfter: 3 });
    expect(String(paused.text)).toContain('paused after 3 failed runs in a row');
    // The run that paused the schedule says so in its memo.
    const memo = (await client.workflow.getHandle(ids[2] ?? '').describe()).memo;
    expect(memo).toMatchObject({ pausedSchedule: { failures: 3 } });

    // Unpaused, the count starts again: the next failure is the first of a new streak.
    const unpause = await cli(['schedule', 'unpause', 'flaky', '--note', 'fixed the API key']);
    expect(unpause.exitCode, unpause.stderr).toBe(0);
    await waitFor('the schedule unpaused', async () => (await describe()).includes('paused     no'));
    const again = await cli(['schedule', 'run', 'flaky']);
    expect(again.exitCode, again.stderr).toBe(1);
    expect(await describe()).toContain('paused     no');
    await hook.waitFor(5);
    await sleep(2000);
    expect(hook.requests.map((r) => r.json?.event).filter((e) => e === 'paused')).toHaveLength(1);
  });

  it('runs retry --from-task 2 and --skip-task 1 on a three-task job run tasks 2-3, recorded with who skipped what', async () => {
    const dir = project(`${JOBS}schedules:
- name: three
  interval: '@daily'
  job: three
  annotations:
    temporal:
      attempts: 1
`);
    const flag = path.join(dir, 'fail.flag');
    const calls = path.join(dir, 'calls');
    writeFileSync(flag, 'tap-a');
    const { cli } = await deploy(dir);
    const failed = await cli(['schedule', 'run', 'three']);
    expect(failed.exitCode, failed.stderr).toBe(1);
    const failedId = startedId(failed.stderr);
    expect(read(calls)).toEqual(['tap-a target-x']);

    // Bad numbers are refused before anything starts.
    for (const [args, text] of [
      [['--from-task', '4'], "--from-task 4: job 'three' has 3 tasks"],
      [['--skip-task', 'one'], "--skip-task must be a task number (1, 2, ...), not 'one'"],
      [['--from-task', '2', '--from-start'], '--from-start and --from-task contradict each other'],
    ] as const) {
      const bad = await cli(['runs', 'retry', failedId, ...args]);
      expect(bad.exitCode, bad.stderr).toBe(2);
      expect(bad.stderr).toContain(text);
    }
    expect(read(calls)).toEqual(['tap-a target-x']);

    rmSync(calls);
    const fromTask = await cli(['runs', 'retry', failedId, '--from-task', '2']);
    expect(fromTask.exitCode, fromTask.stderr).toBe(0);
    expect(read(calls)).toEqual(['tap-b target-x', 'tap-c target-x']);
    const fromId = /started (\S+): retry of/u.exec(fromTask.stderr)?.[1] ?? '';
    // What ran is read from the result and the stand-in's notes: the follower's per-task lines come from a
    // query that a loaded worker may not answer before the run ends.
    const fromResult = (await client.workflow.getHandle(fromId).result()) as JobRunResult;
    expect(fromResult.tasks.map((t) => t.index)).toEqual([1, 2]);

    rmSync(calls);
    // One second apart: retry ids carry the time to the second.
    await sleep(1100);
    const skip = await cli(['runs', 'retry', failedId, '--skip-task', '1']);
    expect(skip.exitCode, skip.stderr).toBe(0);
    expect(read(calls)).toEqual(['tap-b target-x', 'tap-c target-x']);
    const skipId = /started (\S+): retry of/u.exec(skip.stderr)?.[1] ?? '';
    expect(skip.stderr).toMatch(/from the first task, skipping task\(s\) 1 \(by \S+@\S+\)/u);
    const skipResult = (await client.workflow.getHandle(skipId).result()) as JobRunResult;
    expect(skipResult.tasks.map((t) => t.index)).toEqual([1, 2]);

    // Recorded in the new run: memo and the UI's details; `runs` shows it.
    const description = await client.workflow.getHandle(skipId).describe();
    const memo = description.memo as RetryRunMemo;
    expect(memo).toMatchObject({ retryOf: { workflowId: failedId }, fromTask: 0, skipTasks: [0] });
    expect(memo.by).toMatch(/^\S+@\S+$/u);
    expect(await description.staticDetails()).toContain(`skipping task 1 (--skip-task), by ${memo.by}`);
    const listed = await waitFor('the skipping retry listed', async () => {
      const r = await cli(['runs', 'three', '--format=json']);
      const rows = (JSON.parse(r.stdout) as { runs: RunRow[] }).runs;
      return rows.find((row) => row.workflowId === skipId);
    });
    expect(listed.retry).toEqual({ of: failedId, fromTask: 1, skippedTasks: [1], doneTasks: [], by: memo.by });
    const text = await cli(['runs', 'three']);
    expect(text.stdout).toContain(`↻ `);
    expect(text.stdout).toContain(`retry of ${failedId} from task 1, skipped task 1, by ${memo.by}: ${skipId}`);
  });
});
