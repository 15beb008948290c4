/**
 * Payload encryption end to end: with MELTANO_TEMPORAL_ENCRYPTION_KEY set for
 * the worker and the CLI, history holds only encrypted payloads, and
 * `schedule run` still shows the live progress line decoded from the running
 * task's heartbeat. Real dev server, real worker, real `meltano`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { pipelineProject } from '../helpers/pipeline.js';
import { sharedServer } from '../helpers/temporal.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { cliEnv, ours } from '../helpers/run.js';

const server = sharedServer();
let client: Client;
let worker: WorkerProcess;
let dir: string;
let env: Record<string, string>;
const QUEUE = 'encrypted';
const KEY = randomBytes(32).toString('base64');

beforeAll(async () => {
  client = await server.client();
  dir = pipelineProject(
    `- name: slow
  interval: '@daily'
  job: one
  env:
    TAP_COUNT_SLEEP: '6'
    TARGET_LINES_FILE: __DIR__/out.jsonl
`,
    `- name: one
  tasks:
  - tap-count target-lines
`,
  );
  env = cliEnv(server.env, 'enc', QUEUE, { MELTANO_TEMPORAL_ENCRYPTION_KEY: KEY });
  worker = startWorker(dir, server.env, QUEUE, { MELTANO_TEMPORAL_ENCRYPTION_KEY: KEY });
  await worker.ready;
});

afterAll(async () => {
  await worker?.stop();
});

describe('with MELTANO_TEMPORAL_ENCRYPTION_KEY', () => {
  it('schedule run shows the heartbeat progress line of the running task; history payloads are encrypted', async () => {
    expect((await ours(dir, ['sync'], env)).exitCode).toBe(0);
    const r = await ours(dir, ['schedule', 'run', 'slow'], env);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/\[1\/1\] tap-count target-lines: started/u);
    // The live line decoded from the heartbeat (it went through the payload codec).
    expect(r.stderr).toMatch(/^ {2}… \d+s, \d+ lines/mu);
    expect(r.stderr).toMatch(/\[1\/1\] tap-count target-lines: finished in [\d.]+s \(attempt 1\), rows: numbers=3/u);
    // A client without the key sees only encrypted payloads in the run's history.
    const workflowId = /started (\S+) \(schedule/u.exec(r.stderr)?.[1] ?? '';
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const encodings = (history.events ?? []).flatMap((e) =>
      [
        ...(e.workflowExecutionStartedEventAttributes?.input?.payloads ?? []),
        ...(e.activityTaskScheduledEventAttributes?.input?.payloads ?? []),
        // The resolved job: resolveJob is a local activity, its result is in the marker.
        ...(e.markerRecordedEventAttributes?.markerName === 'core_local_activity'
          ? (e.markerRecordedEventAttributes.details?.result?.payloads ?? [])
          : []),
        ...(e.workflowExecutionCompletedEventAttributes?.result?.payloads ?? []),
      ].map((p) => Buffer.from(p.metadata?.encoding ?? new Uint8Array()).toString()),
    );
    expect(encodings.length).toBeGreaterThan(3);
    expect(new Set(encodings)).toEqual(new Set(['binary/encrypted']));
  });
});
