/**
 * `annotations.temporal.after`: a schedule (dbt) that runs once both of its upstreams (a, b) have succeeded.
 * Two upstreams finishing together release exactly one downstream run, linked to both; one upstream alone
 * releases nothing; a failed upstream releases nothing and its alert and `runs` name what it holds back;
 * sync refuses an unknown name and a cycle before it changes anything. Real dev server, a real worker
 * process, a stand-in `meltano` that stamps its runs, a real HTTP receiver as the webhook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject, snapshotYaml, writeScript } from '../helpers/project.js';
import { sharedServer } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { ours } from '../helpers/run.js';
import { meltanoJob } from '../../workflows/index.js';
import { afterStateQuery } from '../../workflows/contract.js';
import { afterWorkflowId } from '../../workflows/after-types.js';
import type { JobRunInput } from '../../workflows/types.js';

const server = sharedServer();
const queue = `after-${process.pid}`;
const project = `after-${process.pid}`;
let client: Client;
let dir: string;
let worker: WorkerProcess | undefined;
let hook: WebhookReceiver;

const yml = (dbtAfter: string, extra = ''): string => `project_id: 0d7e2a4c-1b3f-4e5a-8c6d-9f0a1b2c3d4e
plugins:
  utilities:
  - name: noop
    namespace: noop
jobs:
- name: el
  tasks:
  - noop:el
- name: transform
  tasks:
  - noop:dbt
schedules:
- name: a
  interval: '@daily'
  job: el
  env:
    STAMP_NAME: a
  annotations:
    temporal:
      attempts: 1
- name: b
  interval: '@daily'
  job: el
  env:
    STAMP_NAME: b
  annotations:
    temporal:
      attempts: 1
      notify:
        webhook: ${hook.url}
- name: dbt
  interval: '@manual'
  job: transform
  env:
    STAMP_NAME: dbt
  annotations:
    temporal:
      after: ${dbtAfter}
${extra}`;

beforeAll(async () => {
  client = await server.client();
  hook = await startWebhookReceiver();
  dir = makeProject({ 'meltano.yml': yml('[a, b]') });
  const stamps = path.join(dir, 'stamps.txt');
  writeScript(
    dir,
    `#!/bin/sh
echo "start $STAMP_NAME $(date +%s%3N)" >> '${stamps}'
sleep 0.5
if [ -e '${dir}/fail-'"$STAMP_NAME" ]; then echo "failing on purpose"; exit 1; fi
echo "end $STAMP_NAME $(date +%s%3N)" >> '${stamps}'
`,
  );
  writeFileSync(stamps, '');
}, 60_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await hook.close();
});

const env = (): Record<string, string> => ({ ...server.env, MELTANO_TEMPORAL_PROJECT: project });
const starts = (name: string): number =>
  readFileSync(path.join(dir, 'stamps.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(`start ${name} `)).length;

async function startFromSchedule(name: string, suffix: string): Promise<WorkflowHandle<typeof meltanoJob>> {
  const d = await client.schedule.getHandle(`meltano:${project}:default:${name}`).describe();
  if (d.action.type !== 'startWorkflow') throw new Error('not a startWorkflow action');
  return client.workflow.start(meltanoJob, {
    taskQueue: queue,
    workflowId: `${d.action.workflowId}-${suffix}`,
    args: d.action.args as [JobRunInput],
    ...(d.action.typedSearchAttributes ? { typedSearchAttributes: d.action.typedSearchAttributes } : {}),
  });
}

type Row = {
  workflowId: string;
  schedule: string;
  status: string;
  after: Array<{ schedule: string; workflowId: string; runId: string }> | null;
  holds: string[] | null;
};
async function runsOf(schedule: string): Promise<Row[]> {
  const r = await ours(dir, ['runs', schedule, '--format=json', '--limit', '20'], env());
  expect(r.exitCode, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { runs: Row[] }).runs;
}

const coordinator = () => client.workflow.getHandle(afterWorkflowId(project, undefined, 'dbt'));

describe('after: a schedule that runs after others', () => {
  it('sync refuses an unknown name and a cycle, naming file, entries and fix, and changes nothing', async () => {
    writeFileSync(path.join(dir, 'meltano.yml'), yml('[a, nope]'));
    let before = snapshotYaml(dir);
    const unknown = await ours(dir, ['sync', '--task-queue', queue], env());
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain(
      "meltano.yml: schedule 'dbt' annotations.temporal.after: names 'nope', which is not a schedule of this project",
    );
    expect(unknown.stderr).toContain('remove nope');
    expect(snapshotYaml(dir)).toEqual(before);

    // a runs after dbt, which runs after a: a cycle.
    writeFileSync(
      path.join(dir, 'meltano.yml'),
      yml('[a, b]').replace('      attempts: 1\n- name: b', '      attempts: 1\n      after: [dbt]\n- name: b'),
    );
    before = snapshotYaml(dir);
    const cycle = await ours(dir, ['sync', '--task-queue', queue], env());
    expect(cycle.exitCode).toBe(1);
    expect(cycle.stderr).toMatch(/meltano\.yml: schedule '(a|dbt)' annotations\.temporal\.after: makes a cycle: /u);
    expect(cycle.stderr).toMatch(/(a runs after dbt runs after a|dbt runs after a runs after dbt)/u);
    expect(snapshotYaml(dir)).toEqual(before);
    for (const name of ['a', 'b', 'dbt'])
      await expect(client.schedule.getHandle(`meltano:${project}:default:${name}`).describe()).rejects.toThrow(
        /not found/iu,
      );

    writeFileSync(path.join(dir, 'meltano.yml'), yml('[a, b]'));
    const synced = await ours(dir, ['sync', '--task-queue', queue], env());
    expect(synced.exitCode, synced.stderr).toBe(0);
    const a = await client.schedule.getHandle(`meltano:${project}:default:a`).describe();
    expect(a.action.type === 'startWorkflow' && a.action.args?.[0]).toEqual({
      project,
      schedule: 'a',
      downstreams: [{ schedule: 'dbt', upstreams: ['a', 'b'] }],
    });
  }, 120_000);

  it('two upstreams finishing together: exactly one downstream run, linked to both', async () => {
    worker = startWorker(dir, env(), queue, { MELTANO_BIN: path.join(dir, 'meltano-stand-in') });
    await worker.ready;
    const [a, b] = await Promise.all([startFromSchedule('a', 'one'), startFromSchedule('b', 'one')]);
    await Promise.all([a.result(), b.result()]);
    const dbt = await waitFor('the dbt run released by a and b', async () => {
      const rows = (await runsOf('dbt')).filter((r) => r.status === 'COMPLETED');
      return rows.length ? rows : undefined;
    });
    expect(dbt).toHaveLength(1);
    expect(dbt[0]?.after?.map((r) => [r.schedule, r.workflowId]).sort()).toEqual([
      ['a', a.workflowId],
      ['b', b.workflowId],
    ]);
    expect(starts('dbt')).toBe(1);
    // The UI shows the link in the run's details.
    const d = await client.workflow.getHandle(dbt[0]?.workflowId ?? '').describe();
    expect((await d.staticDetails()) ?? '').toContain(`Started after a (${a.workflowId}), b (${b.workflowId})`);
  }, 120_000);

  it('only one upstream again: no downstream run; the coordinator waits for the other', async () => {
    const a = await startFromSchedule('a', 'two');
    await a.result();
    const state = await waitFor('the coordinator to record a', async () => {
      const s = await coordinator().query(afterStateQuery);
      return s.succeeded.some((r) => r.workflowId === a.workflowId) ? s : undefined;
    });
    expect(state.succeeded.map((r) => r.schedule)).toEqual(['a']);
    expect(starts('dbt')).toBe(1);
  }, 120_000);

  it('a failed upstream releases nothing; its alert and runs name what it holds back; its next success does', async () => {
    writeFileSync(path.join(dir, 'fail-b'), '');
    const b = await startFromSchedule('b', 'fails');
    const failure = await b.result().then(
      () => undefined,
      (err: Error) => err.cause as Error,
    );
    expect(failure?.message).toMatch(/holds back dbt \(annotations\.temporal\.after\)/u);
    const [alert] = await hook.waitFor(1);
    expect(alert?.body).toContain('holds back dbt');
    const rows = await waitFor('runs to show what b holds back', async () => {
      const r = (await runsOf('b')).find((row) => row.workflowId === b.workflowId);
      return r?.holds ? r : undefined;
    });
    expect(rows.holds).toEqual(['dbt']);
    expect((await coordinator().query(afterStateQuery)).succeeded.map((r) => r.schedule)).toEqual(['a']);
    expect(starts('dbt')).toBe(1);

    rmSync(path.join(dir, 'fail-b'));
    const again = await startFromSchedule('b', 'recovers');
    await again.result();
    await waitFor('the second dbt run', () => (starts('dbt') === 2 ? true : undefined));
    const second = await waitFor('the second dbt run to complete', async () => {
      const done = (await runsOf('dbt')).filter((r) => r.status === 'COMPLETED');
      return done.length === 2 ? done : undefined;
    });
    const linked = second.find((r) => r.after?.some((u) => u.workflowId === again.workflowId));
    expect(linked?.after?.map((r) => r.schedule).sort()).toEqual(['a', 'b']);
  }, 180_000);
});
