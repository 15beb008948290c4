/**
 * `schedule pause|unpause --all | --job J | --environment E` on a real dev
 * server: the right schedules change, each with the note (Temporal's schedule
 * note), one progress line each, a JSON summary; a schedule already paused
 * keeps its note; a schedule not in Temporal is reported, the others still go.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { pipelineProject } from '../helpers/pipeline.js';
import { sharedServer } from '../helpers/temporal.js';
import { VENV_PATH, ours } from '../helpers/run.js';

const server = sharedServer();
let client: Client;

beforeAll(async () => {
  client = await server.client();
});

describe('pausing many schedules at once', { timeout: 180_000 }, () => {
  it('--job, --all, --environment: the right schedules, with notes, progress and a JSON summary', async () => {
    const dir = pipelineProject(
      `- name: hourly-a
  interval: '@hourly'
  job: a
- name: daily-a
  interval: '@daily'
  job: a
- name: daily-b
  interval: '@daily'
  job: b
- name: new-one
  interval: '@daily'
  job: b
`,
      `- name: a
  tasks: [tap-count target-lines]
- name: b
  tasks: [tap-count target-lines]
`,
    );
    const env = {
      ...server.env,
      MELTANO_TEMPORAL_TASK_QUEUE: `bulk-pause-${process.pid}`,
      PATH: VENV_PATH,
    };
    const cli = (args: string[]) => ours(dir, args, env);
    const sync = await cli(['sync']);
    expect(sync.exitCode, sync.stderr + sync.stdout).toBe(0);
    const state = async (name: string) => {
      const described = await cli(['schedule', 'describe', name, '--format=json']);
      expect(described.exitCode, described.stderr).toBe(0);
      const view = JSON.parse(described.stdout) as { paused: boolean; note: string | null; scheduleId: string };
      return { paused: view.paused, note: view.note, id: view.scheduleId };
    };

    const byJob = await cli(['schedule', 'pause', '--job', 'a', '--note', 'source API maintenance', '--format=json']);
    expect(byJob.exitCode, byJob.stderr).toBe(0);
    const summary = JSON.parse(byJob.stdout) as { schedules: Array<{ name: string; result: string }> };
    expect(summary).toMatchObject({
      action: 'pause',
      note: 'source API maintenance',
      selection: { job: 'a' },
      environment: 'dev',
    });
    expect(summary.schedules.map((s) => [s.name, s.result])).toEqual([
      ['hourly-a', 'paused'],
      ['daily-a', 'paused'],
    ]);
    // One progress line per schedule, in the order they finished.
    expect(byJob.stderr.split('\n').filter(Boolean)).toHaveLength(2);
    expect(byJob.stderr).toMatch(/^\[[12]\/2\] hourly-a: paused$/mu);
    expect(byJob.stderr).toMatch(/^\[[12]\/2\] daily-a: paused$/mu);
    expect(await state('hourly-a')).toMatchObject({ paused: true, note: 'source API maintenance' });
    expect(await state('daily-b')).toMatchObject({ paused: false });
    // The server itself says so.
    const onServer = await client.schedule.getHandle((await state('daily-a')).id).describe();
    expect(onServer.state).toMatchObject({ paused: true, note: 'source API maintenance' });

    // A schedule of meltano.yml that is not in Temporal (deleted there behind our back).
    await client.schedule.getHandle((await state('new-one')).id).delete();
    const all = await cli(['schedule', 'pause', '--all', '--note', 'warehouse upgrade']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout).toBe(
      "Paused 1 of 4 schedule(s) in environment 'dev'; 2 already paused; 1 not in Temporal (run sync).",
    );
    expect(all.stderr).toMatch(/^\[\d\/4\] daily-b: paused$/mu);
    expect(all.stderr).toMatch(/^\[\d\/4\] new-one: not synced$/mu);
    // Already paused for another reason: that reason is kept.
    expect(await state('hourly-a')).toMatchObject({ paused: true, note: 'source API maintenance' });
    expect(await state('daily-b')).toMatchObject({ paused: true, note: 'warehouse upgrade' });

    const resumed = await cli([
      'schedule',
      'unpause',
      '--environment',
      'dev',
      '--note',
      'upgrade done',
      '--format=json',
    ]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const back = JSON.parse(resumed.stdout) as {
      selection: unknown;
      schedules: Array<{ name: string; result: string; previousNote?: string }>;
    };
    expect(back.selection).toEqual({ all: true });
    expect(back.schedules.map((s) => [s.name, s.result, s.previousNote])).toEqual([
      ['hourly-a', 'unpaused', 'source API maintenance'],
      ['daily-a', 'unpaused', 'source API maintenance'],
      ['daily-b', 'unpaused', 'warehouse upgrade'],
      ['new-one', 'not synced', undefined],
    ]);
    for (const name of ['hourly-a', 'daily-a', 'daily-b']) {
      expect(await state(name)).toEqual({ paused: false, note: 'upgrade done', id: expect.any(String) as string });
    }

    // Bad selections: named, with the fix.
    const none = await cli(['schedule', 'pause']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('Name a schedule, or select many with --all, --job JOB or --environment ENV.');
    const both = await cli(['schedule', 'pause', 'daily-b', '--all']);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('Give one of a schedule name, --all or --job, not a name and --all.');
    const nojob = await cli(['schedule', 'pause', '--job', 'nope']);
    expect(nojob.exitCode).toBe(1);
    expect(nojob.stderr).toContain("Job 'nope' was not found.");
  });
});
