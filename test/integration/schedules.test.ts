/**
 * Schedules in Temporal: sync, drift repair, prune, trigger (our CLI and the
 * real `temporal schedule trigger`), overlap, pause, backfill and `runs`,
 * against a real dev server with a real worker and the real `meltano`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipelineProject } from '../helpers/pipeline.js';
import { sharedServer } from '../helpers/temporal.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { TEMPORAL, cliEnv, ours } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

// A namespace where `sync` never ran: the first sync registers our search attributes.
const server = sharedServer({ searchAttributes: false });
let client: Client;
let worker: WorkerProcess;
let dir: string;
const QUEUE = 'schedules-test';
let env: Record<string, string>;

const SCHEDULES = `- name: hourly
  interval: '@hourly'
  job: one
  env:
    TARGET_LINES_FILE: __DIR__/hourly.jsonl
- name: manual
  interval: '@manual'
  job: one
- name: slow
  interval: '@daily'
  job: one
  env:
    TAP_COUNT_SLEEP: '8'
- name: failing
  interval: '@daily'
  job: broken
- name: bad-annotation
  interval: '@daily'
  job: one
  annotations:
    temporal:
      overlap: sometimes
`;
const JOBS = `- name: one
  tasks:
  - tap-count target-lines
- name: broken
  tasks:
  - tap-count target-missing
`;

const cli = (args: string[]) => ours(dir, args, env);

beforeAll(async () => {
  client = await server.client();
  dir = pipelineProject(SCHEDULES, JOBS);
  env = cliEnv(server.env, 'itest', QUEUE);
  worker = startWorker(dir, server.env, QUEUE);
  await worker.ready;
});

afterAll(async () => {
  await worker?.stop();
});

const id = (name: string) => `meltano:itest:dev:${name}`;

describe('sync', () => {
  it('creates every valid schedule, registers search attributes, reports the broken one and exits 1', async () => {
    const r = await cli(['sync']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /registered search attributes: MeltanoProject, MeltanoSchedule, MeltanoJob, MeltanoEnvironment/u,
    );
    expect(r.stderr).toMatch(
      /! error bad-annotation: meltano\.yml: schedule 'bad-annotation' annotations\.temporal: overlap must be one of/u,
    );
    for (const name of ['hourly', 'manual', 'slow', 'failing'])
      expect(r.stdout).toContain(`+ create ${name} (${id(name)})`);
    const hourly = await client.schedule.getHandle(id('hourly')).describe();
    expect(hourly.info.nextActionTimes.length).toBeGreaterThan(0);
    expect(hourly.info.nextActionTimes.every((t) => t.getUTCMinutes() === 0 && t.getUTCSeconds() === 0)).toBe(true);
    expect(hourly.policies.overlap).toBe('SKIP');
    expect(hourly.policies.catchupWindow).toBe(5 * 60_000);
    // @manual: a schedule with no automatic runs that can still be triggered.
    const manual = await client.schedule.getHandle(id('manual')).describe();
    expect(manual.info.nextActionTimes).toEqual([]);
  });

  it('a second sync changes nothing; --format=json is the documented report', async () => {
    const r = await cli(['sync', '--format=json']);
    const report = JSON.parse(r.stdout) as { items: Array<{ action: string; schedule: string }>; ok: boolean };
    expect(
      report.items
        .filter((i) => i.action !== 'error')
        .map((i) => [i.schedule, i.action])
        .sort(),
    ).toEqual([
      ['failing', 'unchanged'],
      ['hourly', 'unchanged'],
      ['manual', 'unchanged'],
      ['slow', 'unchanged'],
    ]);
    expect(report.ok).toBe(false);
  });

  it('an edit in meltano.yml is planned, then applied; a hand edit on the server is put back by --verify', async () => {
    const file = path.join(dir, 'meltano.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace("interval: '@manual'", "interval: '30 2 * * *'"));
    const dry = await cli(['sync', '--dry-run']);
    expect(dry.stdout).toMatch(/~ update manual \(meltano:itest:dev:manual\)\n\s+interval: @manual -> 30 2 \* \* \*/u);
    expect((await client.schedule.getHandle(id('manual')).describe()).info.nextActionTimes).toEqual([]);
    await cli(['sync']);
    const next = (await client.schedule.getHandle(id('manual')).describe()).info.nextActionTimes;
    expect(next[0]?.getUTCHours()).toBe(2);
    expect(next[0]?.getUTCMinutes()).toBe(30);

    // By hand, as someone would in the UI: another cron.
    await client.schedule
      .getHandle(id('hourly'))
      .update((prev) => ({ ...prev, spec: { cronExpressions: ['15 * * * *'] } }));
    const fix = await cli(['sync', '--verify']);
    expect(fix.stdout).toMatch(/~ update hourly[^\n]*\n\s+spec changed on the server \(put back\)/u);
    const repaired = await client.schedule.getHandle(id('hourly')).describe();
    expect(repaired.info.nextActionTimes[0]?.getUTCMinutes()).toBe(0);
    expect((await cli(['sync'])).stdout).toMatch(/0 create, 0 update, 0 delete, 4 unchanged/u);
  });

  it('--prune deletes managed schedules gone from meltano.yml and never touches others', async () => {
    await client.schedule.create({
      scheduleId: 'someone-elses',
      spec: { cronExpressions: ['0 0 * * *'] },
      action: { type: 'startWorkflow', workflowType: 'other', taskQueue: 'other' },
    });
    const removed = await cli(['schedule', 'remove', 'manual', '--no-temporal']);
    expect(removed.exitCode).toBe(0);
    const r = await cli(['sync', '--prune']);
    expect(r.stdout).toContain(`- delete manual (${id('manual')})`);
    await expect(client.schedule.getHandle(id('manual')).describe()).rejects.toThrow();
    expect((await client.schedule.getHandle('someone-elses').describe()).scheduleId).toBe('someone-elses');
  });
});

describe('runs', () => {
  it('the real `temporal schedule trigger` starts a run that executes; `runs` lists it as completed', async () => {
    await execa(TEMPORAL, [
      ...['schedule', 'trigger', '--schedule-id', id('hourly')],
      ...['--address', server.address, '--namespace', server.namespace],
    ]);
    const completed = await waitFor(
      'a completed run in `runs`',
      async () => {
        const r = await cli(['runs', 'hourly', '--format=json']);
        const runs = (JSON.parse(r.stdout) as { runs: Array<{ status: string; schedule: string }> }).runs;
        return runs.find((x) => x.status === 'COMPLETED');
      },
      { timeoutMs: 90_000 },
    );
    expect(completed.schedule).toBe('hourly');
    expect(readFileSync(path.join(dir, 'hourly.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('`schedule run` follows the run live and exits with its outcome; a failing run exits 1 naming the task', async () => {
    const ok = await cli(['schedule', 'run', 'hourly']);
    expect(ok.exitCode).toBe(0);
    expect(ok.stderr).toMatch(/\[1\/1\] tap-count target-lines: started/u);
    expect(ok.stderr).toMatch(/\[1\/1\] tap-count target-lines: finished in [\d.]+s \(attempt 1\), rows: numbers=3/u);
    const bad = await cli(['schedule', 'run', 'failing']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/failed: Task 1\/1 'tap-count target-missing' of job 'broken' failed/u);
    const listed = await waitFor('the failed run in `runs`', async () => {
      const r = await cli(['runs', 'failing', '--format=json']);
      return (JSON.parse(r.stdout) as { runs: Array<{ status: string; failedTask: string | null }> }).runs.find(
        (x) => x.status === 'FAILED',
      );
    });
    expect(listed.failedTask).toBe('tap-count target-missing');
  });

  it('a trigger while a run is in progress is skipped under the default overlap policy', async () => {
    const first = await cli(['schedule', 'run', 'slow', '--no-wait']);
    expect(first.exitCode).toBe(0);
    const second = await cli(['schedule', 'run', 'slow', '--no-wait']);
    expect(second.exitCode).toBe(3);
    expect(second.stderr).toMatch(/no run started: a run is already in progress .* overlap policy is SKIP/u);
    await client.workflow.getHandle(first.stdout.trim()).result();
  });

  it('pause stops automatic runs; unpause resumes them', async () => {
    expect((await cli(['schedule', 'pause', 'hourly'])).exitCode).toBe(0);
    const d = await cli(['schedule', 'describe', 'hourly', '--format=json']);
    const described = JSON.parse(d.stdout) as { paused: boolean; drift: string[] };
    expect(described.paused).toBe(true);
    expect(described.drift).toEqual([]);
    expect((await client.schedule.getHandle(id('hourly')).describe()).state.paused).toBe(true);
    await cli(['schedule', 'unpause', 'hourly']);
    expect((await client.schedule.getHandle(id('hourly')).describe()).state.paused).toBe(false);
  });

  it('backfill produces one run per matching time', async () => {
    const r = await cli([
      'schedule',
      'backfill',
      'hourly',
      '--start',
      '2026-01-01T00:00:00Z',
      '--end',
      '2026-01-01T02:30:00Z',
    ]);
    expect(r.exitCode).toBe(0);
    const runs = await waitFor(
      '3 backfilled runs',
      async () => {
        const list = [];
        for await (const wf of client.workflow.list({ query: `TemporalScheduledById="${id('hourly')}"` })) {
          if (wf.workflowId.startsWith(`${id('hourly')}-2026-01-01T`)) list.push(wf);
        }
        return list.length >= 3 && list.every((w) => w.status.name === 'COMPLETED') ? list : undefined;
      },
      { timeoutMs: 120_000 },
    );
    expect(runs.map((w) => w.workflowId).sort()).toEqual(
      ['00', '01', '02'].map((h) => `${id('hourly')}-2026-01-01T${h}:00:00Z`),
    );
  });

  it('an unknown schedule and an unreachable server are clear errors', async () => {
    const unknown = await cli(['schedule', 'pause', 'nope']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/Schedule 'nope' was not found\./u);
    const down = await ours(dir, ['sync'], { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toMatch(/Cannot reach the Temporal server at 127\.0\.0\.1:1/u);
  });
});
