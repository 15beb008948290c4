/**
 * What a run shows in the Temporal UI, read back through the client after a
 * real run (real dev server, real worker, real `meltano`): the schedule's
 * and the run's static summary and details, each task activity's summary,
 * current details that move while a slow task runs, rows per stream per
 * task in the result; then `runs` (strip and JSON) and `runs logs`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { execa } from 'execa';
import { pipelineProject } from '../helpers/pipeline.js';
import { CLI, TEMPORAL, cliEnv, ours } from '../helpers/run.js';
import { sharedServer } from '../helpers/temporal.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import type { JobRunResult } from '../../workflows/types.js';

const QUEUE = 'run-ui-test';
const PROJECT = 'uitest';
const SCHEDULE_ID = `meltano:${PROJECT}:dev:demo`;
const server = sharedServer();
let client: Client;
let worker: WorkerProcess;
let dir: string;
let env: Record<string, string>;
let handle: WorkflowHandle;
const detailsSeen: string[] = [];
let result: JobRunResult;

const cli = (args: string[]) => ours(dir, args, env);

async function currentDetails(h: WorkflowHandle): Promise<string | undefined> {
  const meta = await h.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return meta.currentDetails ?? undefined;
}

/** The run a trigger of the schedule started, other than `seen`. */
async function triggeredRun(seen?: string): Promise<string> {
  await execa(TEMPORAL, [
    ...['schedule', 'trigger', '--schedule-id', SCHEDULE_ID],
    ...['--address', server.address, '--namespace', server.namespace],
  ]);
  return waitFor(
    'the run the trigger started',
    async () => {
      for await (const wf of client.workflow.list({ query: `TemporalScheduledById="${SCHEDULE_ID}"` }))
        if (wf.workflowId !== seen) return wf.workflowId;
      return undefined;
    },
    { timeoutMs: 30_000, intervalMs: 300 },
  );
}

beforeAll(async () => {
  client = await server.client();
  dir = pipelineProject(
    `- name: demo
  interval: '@daily'
  job: demo
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
    TAP_COUNT_ROWS: '4'
    TAP_COUNT_ROW_SLEEP: '1.5'
    SECRET_FOR_MASKING: hunter2-secret
    TAP_COUNT_ECHO: 'connecting with hunter2-secret'
`,
    `- name: demo
  tasks:
  - tap-count target-lines
  - tap-count target-lines
`,
  );
  env = cliEnv(server.env, PROJECT, QUEUE);
  worker = startWorker(dir, server.env, QUEUE, { MELTANO_TEMPORAL_ROWS_REPORT_MS: '500' });
  await worker.ready;
  const sync = await cli(['sync']);
  expect(sync.exitCode, sync.stderr).toBe(0);

  handle = client.workflow.getHandle(await triggeredRun());
  // Watch the current details until the run is over.
  let done = false;
  const finished = handle.result().finally(() => (done = true));
  while (!done) {
    try {
      const d = await currentDetails(handle);
      if (d && detailsSeen[detailsSeen.length - 1] !== d) detailsSeen.push(d);
    } catch {
      /* no workflow task processed yet */
    }
    await sleep(250);
  }
  result = (await finished) as JobRunResult;
  const last = await currentDetails(handle);
  if (last && detailsSeen[detailsSeen.length - 1] !== last) detailsSeen.push(last);
}, 240_000);

afterAll(async () => {
  await worker?.stop();
});

describe('a run in the UI', () => {
  it('the schedule and the run carry the same static summary; the run has static details', async () => {
    const summary = `demo: tap-count target-lines → tap-count target-lines [${PROJECT}/dev]`;
    const schedule = await client.schedule.getHandle(SCHEDULE_ID).describe();
    expect(schedule.action.type).toBe('startWorkflow');
    expect(schedule.action.type === 'startWorkflow' ? schedule.action.staticSummary : undefined).toBe(summary);
    const desc = await handle.describe();
    expect(await desc.staticSummary()).toBe(summary);
    const details = await desc.staticDetails();
    expect(details).toContain(`**Project** \`${PROJECT}\` · **Environment** \`dev\``);
    expect(details).toContain('**Schedule** `demo` (`@daily`) · **Job** `demo`');
    expect(details).toContain(`**Started by** schedule \`${SCHEDULE_ID}\``);
    expect(details).toContain('1. `tap-count target-lines`\n2. `tap-count target-lines`');
    expect(details).not.toContain('hunter2-secret');
  });

  it('each task activity carries its summary, as the task was written', async () => {
    const history = await handle.fetchHistory();
    const converter = client.options.loadedDataConverter.payloadConverter;
    const summaries = (history.events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runMeltanoTask')
      .map((e) => {
        const payload = e.userMetadata?.summary;
        return payload ? converter.fromPayload<string>(payload) : undefined;
      });
    expect(summaries).toEqual(['tap-count target-lines (1/2)', 'tap-count target-lines (2/2)']);
  });

  it('current details moved while the tasks ran: task k of 2, rows so far, then the end', () => {
    const headlines = detailsSeen.map((d) => d.split('\n')[0]);
    expect(headlines).toContain('**Running task 1 of 2**: `tap-count target-lines` · 0 rows so far');
    // Rows counted during task 1 (a METRIC line per row, 1.5 s apart), before it finished.
    expect(headlines.some((h) => /Running task 1 of 2.* · [123] rows so far/u.test(h ?? ''))).toBe(true);
    expect(headlines.some((h) => /Running task 2 of 2.* · [4567] rows so far/u.test(h ?? ''))).toBe(true);
    expect(headlines[headlines.length - 1]).toBe('**Completed 2 of 2 tasks** · 8 rows so far');
    const final = detailsSeen[detailsSeen.length - 1] ?? '';
    expect(final).toMatch(/✓ 1\. `tap-count target-lines` succeeded · \d+\.\ds · 4 rows \(numbers=4\)/u);
  });

  it('the result lists rows per stream per task', () => {
    expect(result.tasks.map((t) => t.rowsPerStream)).toEqual([{ numbers: 4 }, { numbers: 4 }]);
  });

  it('`runs --format=json` keeps its fields and adds rows; `runs` on a terminal-less stdout prints the strip', async () => {
    const json = await cli(['runs', 'demo', '--format=json']);
    expect(json.exitCode, json.stderr).toBe(0);
    const runs = (JSON.parse(json.stdout) as { runs: Array<Record<string, unknown>> }).runs;
    expect(runs[0]).toMatchObject({
      workflowId: handle.workflowId,
      schedule: 'demo',
      status: 'COMPLETED',
      failedTask: null,
      rows: 8,
    });
    for (const key of ['runId', 'startTime', 'closeTime', 'durationMs']) expect(runs[0]).toHaveProperty(key);
    const text = await cli(['runs']);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^demo {2}1\/1 succeeded of the last 1/mu);
    expect(text.stdout).toMatch(/^ {2}status {2}✓$/mu);
    expect(text.stdout).toMatch(/^ {2}rows {4}8$/mu);
  });

  it('`runs logs` prints the chosen task log, masked; a wrong task number is refused', async () => {
    const logs = await cli(['runs', 'logs', handle.workflowId, '--task', '2']);
    expect(logs.exitCode, logs.stderr).toBe(0);
    expect(logs.stdout).toContain(`run ID '${result.tasks[1]?.runId}'`);
    expect(logs.stdout).not.toContain(`run ID '${result.tasks[0]?.runId}'`);
    expect(logs.stdout).toContain('***');
    expect(logs.stdout).not.toContain('hunter2-secret');
    const wrong = await cli(['runs', 'logs', handle.workflowId, '--task', '3']);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toMatch(/task 3/u);
    expect(wrong.stderr).toMatch(/2 tasks/u);
  });

  it('`runs logs --follow` streams a running task and ends with the run', async () => {
    const second = await triggeredRun(handle.workflowId);
    const chunks: Array<{ at: number; text: string }> = [];
    const t0 = Date.now();
    const follow = execa('node', [CLI, '--project', dir, 'runs', 'logs', second, '--follow'], {
      env,
      reject: false,
      buffer: false,
      stdin: 'ignore',
    });
    follow.stdout?.on('data', (d: Buffer) => chunks.push({ at: Date.now() - t0, text: d.toString() }));
    await follow;
    const out = chunks.map((c) => c.text).join('');
    expect(follow.exitCode).toBe(0);
    expect(out).toMatch(/==> task 1, attempt 1: .*task-1-attempt-1\.log <==/u);
    expect(out).toMatch(/==> task 2, attempt 1: .*task-2-attempt-1\.log <==/u);
    // Streamed while the run went on (each task takes 6 s or more), not printed at the end in one go.
    const firstAt = chunks[0]?.at ?? 0;
    const lastAt = chunks[chunks.length - 1]?.at ?? 0;
    expect(lastAt - firstAt).toBeGreaterThan(5000);
    const { status } = await client.workflow.getHandle(second).describe();
    expect(status.name).toBe('COMPLETED');
  }, 120_000);
});
