/**
 * Parallel task groups (`annotations.temporal.parallel: true` on a job): the three items of an inner task list
 * run as activities started together (the stand-in's stamps overlap); when one fails, its siblings run to their
 * end, the run fails after the group naming the failed item, and the step after the group does not run;
 * `runs retry` re-runs only the failed item (the first: its completed siblings come after it), then the rest of the job. Real dev server, a real worker process,
 * a stand-in `meltano` that stamps each block's start and end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject, writeScript } from '../helpers/project.js';
import { sharedServer } from '../helpers/temporal.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { ours } from '../helpers/run.js';
import type { JobProgress, JobRunResult } from '../../workflows/types.js';
import type { RunRow } from '../../src/temporal/runs.js';

const server = sharedServer();
const queue = `groups-${process.pid}`;
const project = `groups-${process.pid}`;
let client: Client;
let dir: string;
let worker: WorkerProcess | undefined;

const yml = `project_id: 5b1c7e2a-3d4f-4a6b-8c9d-0e1f2a3b4c5d
plugins:
  utilities:
  - name: noop
    namespace: noop
jobs:
- name: fan
  tasks:
  - [noop:a, noop:b, noop:c]
  - noop:e
  annotations:
    temporal:
      parallel: true
schedules:
- name: fan
  interval: '@manual'
  job: fan
  annotations:
    temporal:
      attempts: 1
`;

beforeAll(async () => {
  client = await server.client();
  dir = makeProject({ 'meltano.yml': yml });
  const stamps = path.join(dir, 'stamps.txt');
  // The block is the noop:* word of `meltano run`; b sleeps longest, so it is still running when c fails.
  writeScript(
    dir,
    `#!/bin/sh
B=
for a in "$@"; do case "$a" in noop:*) B="\${a#noop:}";; esac; done
echo "start $B $(date +%s%3N)" >> '${stamps}'
if [ "$B" = b ]; then sleep 4; else sleep 2; fi
if [ -e '${dir}/fail-'"$B" ]; then echo "failing on purpose"; exit 1; fi
echo "end $B $(date +%s%3N)" >> '${stamps}'
`,
  );
  writeFileSync(stamps, '');
  worker = startWorker(dir, env(), queue, { MELTANO_BIN: path.join(dir, 'meltano-stand-in') });
  await worker.ready;
  const sync = await ours(dir, ['sync', '--task-queue', queue], env());
  expect(sync.exitCode, sync.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
});

const env = (): Record<string, string> => ({ ...server.env, MELTANO_TEMPORAL_PROJECT: project });

type Stamp = { kind: 'start' | 'end'; block: string; at: number };
function stamps(): Stamp[] {
  return readFileSync(path.join(dir, 'stamps.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [kind, block, at] = l.split(' ');
      return { kind: kind as Stamp['kind'], block: block ?? '', at: Number(at) };
    });
}
const at = (list: Stamp[], kind: Stamp['kind'], block: string): number[] =>
  list.filter((s) => s.kind === kind && s.block === block).map((s) => s.at);

describe('parallel task groups', () => {
  it('runs the three items of the group at the same time, then the next step', async () => {
    const run = await ours(dir, ['schedule', 'run', 'fan'], env());
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const s = stamps();
    for (const b of ['a', 'b', 'c', 'e']) expect(at(s, 'start', b), b).toHaveLength(1);
    // Every item started before any item ended: the three overlapped (each sleeps at least 2s).
    const latestStart = Math.max(...['a', 'b', 'c'].flatMap((b) => at(s, 'start', b)));
    const earliestEnd = Math.min(...['a', 'b', 'c'].flatMap((b) => at(s, 'end', b)));
    expect(latestStart).toBeLessThan(earliestEnd);
    // The step after the group starts once all three have ended.
    const lastEnd = Math.max(...['a', 'b', 'c'].flatMap((b) => at(s, 'end', b)));
    expect(at(s, 'start', 'e')[0]).toBeGreaterThanOrEqual(lastEnd);
    const id = /started (\S+)/u.exec(run.stderr)?.[1] ?? '';
    const result = (await client.workflow.getHandle(id).result()) as JobRunResult;
    expect(result.tasks.map((t) => t.index).sort()).toEqual([0, 1, 2, 3]);
  }, 120_000);

  it('one item fails: its siblings finish, the run fails after the group naming it; retry re-runs only it', async () => {
    writeFileSync(path.join(dir, 'stamps.txt'), '');
    writeFileSync(path.join(dir, 'fail-a'), '');
    const run = await ours(dir, ['schedule', 'run', 'fan'], env());
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(1);
    const failedId = /started (\S+)/u.exec(run.stderr)?.[1] ?? '';
    expect(failedId).not.toBe('');
    let s = stamps();
    // a failed at ~2s; b (4s) was not cancelled: it ran to its end, like c. e never started.
    expect(at(s, 'end', 'a')).toHaveLength(0);
    expect(at(s, 'end', 'b')).toHaveLength(1);
    expect(at(s, 'end', 'c')).toHaveLength(1);
    expect(at(s, 'end', 'b')[0]).toBeGreaterThan(at(s, 'start', 'a')[0] ?? Infinity);
    expect(at(s, 'start', 'e')).toHaveLength(0);
    const failure = await client.workflow
      .getHandle(failedId)
      .result()
      .then(
        () => undefined,
        (err: unknown) => err as Error,
      );
    const message = (failure?.cause as Error | undefined)?.message ?? '';
    expect(message).toContain("Group 1/2 of job 'fan' failed (1 of 3 items): [1a/2] 'noop:a' (task 1/4)");
    expect(message).toContain('failing on purpose');
    const progress = await client.workflow.getHandle(failedId).query<JobProgress | null>('progress');
    expect(progress?.tasks.map((t) => t.state)).toEqual(['failed', 'succeeded', 'succeeded', 'pending']);
    // The UI's current details show the group's items by their place in it.
    const meta = await client.workflow
      .getHandle(failedId)
      .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toContain('`[1a/2] noop:a` failed');
    expect(meta.currentDetails).toContain('`[1b/2] noop:b` succeeded');

    rmSync(path.join(dir, 'fail-a'));
    const retry = await ours(dir, ['runs', 'retry', failedId], env());
    expect(retry.exitCode, `${retry.stdout}\n${retry.stderr}`).toBe(0);
    const retryId = /started (\S+): retry of/u.exec(retry.stderr)?.[1] ?? '';
    s = stamps();
    // Only a ran again (b and c completed in the original), then e.
    expect(at(s, 'start', 'a')).toHaveLength(2);
    expect(at(s, 'start', 'b')).toHaveLength(1);
    expect(at(s, 'start', 'c')).toHaveLength(1);
    expect(at(s, 'start', 'e')).toHaveLength(1);
    const result = (await client.workflow.getHandle(retryId).result()) as JobRunResult;
    expect(result.tasks.map((t) => t.index)).toEqual([0, 3]);
    const d = await client.workflow.getHandle(retryId).describe();
    expect(d.memo).toMatchObject({ retryOf: { workflowId: failedId }, fromTask: 0, doneTasks: [1, 2] });
    expect((await d.staticDetails()) ?? '').toContain('skipping tasks 2, 3 (completed in its group)');
    // `runs` shows the tasks the retry left out because its group had completed them (1-based, like skippedTasks).
    const listed = await ours(dir, ['runs', 'fan', '--format=json'], env());
    expect(listed.exitCode, listed.stderr).toBe(0);
    const row = (JSON.parse(listed.stdout) as { runs: RunRow[] }).runs.find((r) => r.workflowId === retryId);
    expect(row?.retry).toEqual({ of: failedId, fromTask: 1, skippedTasks: [], doneTasks: [2, 3], by: null });
    const text = await ours(dir, ['runs', 'fan'], env());
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      `retry of ${failedId} from task 1, not re-running tasks 2, 3 (completed in its group): ${retryId}`,
    );
  }, 120_000);
});
