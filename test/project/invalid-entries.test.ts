/**
 * A job or schedule that exists but cannot be used is reported as invalid,
 * naming file, entry and a fix that works, never as "not found"; the edits
 * that repair or remove it work, and none can create a second entry of the
 * same name.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PLUGINS } from '../conformance/fixtures.js';
import { makeProject, snapshotYaml } from '../helpers/project.js';
import { meltano, ours } from '../helpers/run.js';
import { loadProject } from '../../src/project/load.js';
import { unusableJobError } from '../../src/project/jobs.js';
import { jobTasks, requireSchedule, scheduleTasks } from '../../src/project/resolve.js';
import { JobNotFoundError, UserError } from '../../src/errors.js';

const INCLUDED = `jobs:\n- name: nested-too-deep\n  tasks: [[[tap-foo, target-jsonl]]]\n`;
const MAIN = `${PLUGINS}include_paths: ['./more.yml']
jobs:
- name: j1
  tasks: 42
- name: blank-task
  tasks: ['']
- name: no-tasks
  tasks: []
- name: good
  tasks:
  - tap-foo target-jsonl
schedules:
- name: s1
  interval: '@daily'
  job: j1
- name: s-deep
  interval: '@daily'
  job: nested-too-deep
- name: s-blank
  interval: '@daily'
  job: blank-task
- name: s-good
  interval: '@daily'
  job: good
`;

function project(): string {
  return makeProject({ 'meltano.yml': MAIN, 'more.yml': INCLUDED });
}

describe('schedule list with invalid jobs', () => {
  it('names each invalid job, its file and the fix, lists the rest, exits 1', async () => {
    const dir = project();
    const r = await ours(dir, ['schedule', 'list', '--format=json']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).not.toContain('was not found');
    expect(r.stderr).not.toContain('job add');
    expect(r.stderr).toContain(
      "Error: meltano.yml: schedule 's1': job 'j1' (meltano.yml) is invalid: tasks must be a string or a list, not number 42. The schedule is left out; fix the job: meltano-temporal job set j1 --tasks '[\"tap target\", ...]'",
    );
    expect(r.stderr).toContain(
      "Error: meltano.yml: schedule 's-deep': job 'nested-too-deep' (more.yml) is invalid: task 1, item 1 must be a string, not a list.",
    );
    expect(r.stderr).toContain(
      "Error: meltano.yml: schedule 's-blank': job 'blank-task' (meltano.yml) is invalid: task 1 is empty: it names no block.",
    );
    const listed = JSON.parse(r.stdout) as { schedules: { job: Array<{ name: string }> } };
    expect(listed.schedules.job.map((s) => s.name)).toEqual(['s-good']);
  });

  it('job list warns about each invalid job, saying what is wrong', async () => {
    const dir = project();
    const r = await ours(dir, ['job', 'list']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe("good: ['tap-foo target-jsonl']");
    expect(r.stderr).toContain("Warning: meltano.yml: job 'no-tasks': the list of tasks is empty");
    expect(r.stderr).toContain("Warning: meltano.yml: job 'blank-task': task 1 is empty: it names no block");
  });
});

describe('edits of an invalid job', () => {
  it('job set repairs it in its own file, and its schedule is listed again', async () => {
    const dir = project();
    const set = await ours(dir, ['job', 'set', 'nested-too-deep', '--tasks', 'tap-foo target-jsonl']);
    expect(set.exitCode, set.stderr).toBe(0);
    expect(set.stdout.trim()).toBe("Updated job nested-too-deep: ['tap-foo target-jsonl']");
    expect(parse(readFileSync(path.join(dir, 'more.yml'), 'utf8'))).toEqual({
      jobs: [{ name: 'nested-too-deep', tasks: ['tap-foo target-jsonl'] }],
    });
    const r = await ours(dir, ['schedule', 'list']);
    expect(r.stdout).toContain("[@daily] job s-deep: nested-too-deep → ['tap-foo target-jsonl']");
  });

  it('job add of its name is refused as "already exists", and nothing is written', async () => {
    const dir = project();
    const before = snapshotYaml(dir);
    const r = await ours(dir, ['job', 'add', 'j1', '--tasks', 'tap-foo target-jsonl']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("Job 'j1' already exists.");
    expect(snapshotYaml(dir)).toEqual(before);
  });

  it('job remove removes an unused one and refuses a scheduled one', async () => {
    const dir = project();
    const removed = await ours(dir, ['job', 'remove', 'no-tasks']);
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'meltano.yml'), 'utf8')).not.toContain('no-tasks');
    const before = snapshotYaml(dir);
    const refused = await ours(dir, ['job', 'remove', 'j1']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("meltano.yml: job 'j1': is still used by schedule(s) 's1' (meltano.yml)");
    expect(snapshotYaml(dir)).toEqual(before);
  });
});

describe('edits of an invalid schedule', () => {
  const WITH_BAD_SCHEDULE = `${PLUGINS}jobs:\n- name: good\n  tasks: [tap-foo target-jsonl]\nschedules:\n- name: bad\n  interval: [5]\n  job: good\n`;

  it('schedule set repairs it, schedule add of its name says it exists, schedule remove removes it', async () => {
    const dir = makeProject({ 'meltano.yml': WITH_BAD_SCHEDULE });
    const added = await ours(dir, ['schedule', 'add', 'bad', '--job', 'good', '--interval', '@daily']);
    expect(added.exitCode).toBe(0);
    expect(added.stderr).toContain("Schedule 'bad' already exists.");
    expect(parse(readFileSync(path.join(dir, 'meltano.yml'), 'utf8')).schedules).toHaveLength(1);
    const set = await ours(dir, ['schedule', 'set', 'bad', '--interval', '@hourly']);
    expect(set.exitCode, set.stderr).toBe(0);
    const listed = await ours(dir, ['schedule', 'list']);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('[@hourly] job bad: good');
    const removed = await ours(dir, ['schedule', 'remove', 'bad']);
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(parse(readFileSync(path.join(dir, 'meltano.yml'), 'utf8')).schedules ?? []).toHaveLength(0);
  });

  it('a valid and an invalid entry of the same name are refused as a duplicate', async () => {
    const dir = makeProject({
      'meltano.yml': `${WITH_BAD_SCHEDULE}- name: bad\n  interval: '@daily'\n  job: good\n`,
    });
    const r = await ours(dir, ['schedule', 'list']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("meltano.yml: schedule 'bad': is defined twice in meltano.yml");
  });
});

describe('unusableJobError (for sync, doctor and the worker)', () => {
  it('says invalid, with file, reason and fix, for a job that exists but cannot run', () => {
    const p = loadProject({ root: project() });
    const err = unusableJobError(p, 'j1', 's1');
    expect(err.describe()).toBe(
      "meltano.yml: schedule 's1': job 'j1' (meltano.yml) is invalid: tasks must be a string or a list, not number 42.\n  fix: meltano-temporal job set j1 --tasks '[\"tap target\", ...]'",
    );
    expect(unusableJobError(p, 'blank-task').message).toBe(
      "meltano.yml: job 'blank-task' is invalid: task 1 is empty: it names no block.",
    );
  });

  it('says not found, with the fixes, for a job that does not exist', () => {
    const p = loadProject({ root: project() });
    expect(unusableJobError(p, 'nope', 's-good').describe()).toBe(
      "meltano.yml: schedule 's-good': Job 'nope' was not found.\n  fix: add the job (meltano-temporal job add nope --tasks ...) or point the schedule at an existing one (meltano-temporal schedule set s-good --job NAME)",
    );
    expect(unusableJobError(p, 'nope').describe()).toBe(
      "Job 'nope' was not found.\n  fix: add the job (meltano-temporal job add nope --tasks ...) or see the jobs with: meltano-temporal job list",
    );
  });
});

describe('an empty included file', () => {
  it('is refused with its name and the fix; meltano fails on it too', async () => {
    const dir = makeProject({ 'meltano.yml': `${PLUGINS}include_paths: ['./extra/*.yml']\n`, 'extra/empty.yml': '' });
    const mine = await ours(dir, ['schedule', 'list']);
    expect(mine.exitCode).toBe(1);
    expect(mine.stderr).toContain(
      'extra/empty.yml: the file is empty; Meltano cannot load a project with an empty included file',
    );
    expect(mine.stderr).toContain('fix: give it at least `jobs: []`, or remove it from include_paths');
    const theirs = await meltano(dir, ['schedule', 'list']);
    expect(theirs.exitCode).toBe(1);
  });
});

describe('what a schedule runs (the worker and schedule run --local)', () => {
  it('a schedule whose job is invalid is refused as invalid, with the file and the fix', async () => {
    const dir = project();
    const r = await ours(dir, ['schedule', 'run', 's1', '--local']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).not.toContain('was not found');
    expect(r.stderr).toContain(
      "meltano.yml: schedule 's1': job 'j1' (meltano.yml) is invalid: tasks must be a string or a list, not number 42.",
    );
    expect(r.stderr).toContain('fix: meltano-temporal job set j1 --tasks \'["tap target", ...]\'');
    const p = loadProject({ root: dir });
    expect(() => scheduleTasks(p, 's-blank')).toThrow(
      "meltano.yml: schedule 's-blank': job 'blank-task' (meltano.yml) is invalid: task 1 is empty: it names no block.",
    );
    expect(() => jobTasks(p, 'no-tasks')).toThrow(
      "meltano.yml: job 'no-tasks' is invalid: the list of tasks is empty.",
    );
    expect(() => jobTasks(p, 'nope')).toThrow(JobNotFoundError);
  });

  it('an invalid schedule is refused with its reason and its fix', () => {
    const dir = makeProject({
      'meltano.yml': `${PLUGINS}jobs:\n- name: good\n  tasks: [tap-foo target-jsonl]\nschedules:\n- name: bad\n  interval: [5]\n  job: good\n`,
    });
    const p = loadProject({ root: dir });
    let caught: unknown;
    try {
      requireSchedule(p, 'bad');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).describe()).toBe(
      "meltano.yml: schedule 'bad': interval must be a string such as '@daily' or '0 * * * *'\n  fix: meltano-temporal schedule set bad --interval '@daily'",
    );
  });
});
