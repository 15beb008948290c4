/**
 * Parallel task groups (`annotations.temporal.parallel`): how a job's tasks split into group items, the opt-in
 * and its refusal, the UI's labels, the run's failure text, and where `runs retry` resumes.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { buildProject } from '../../src/project/build.js';
import { parseProjectFile } from '../../src/project/files.js';
import { ProjectFileError } from '../../src/errors.js';
import { jobTasks } from '../../src/project/resolve.js';
import { desiredSchedule } from '../../src/temporal/schedule-mapping.js';
import type { Project } from '../../src/project/model.js';
import { parallelTaskArgs, taskArgs } from '../../src/project/tasks.js';
import { groupRetryPlan, retryDetails } from '../../src/temporal/retry-plan.js';
import { groupLabel, taskSummary, taskText } from '../../workflows/summary.js';
import { groupFailureText, groupOf } from '../../workflows/group.js';
import type { ResolvedTask } from '../../workflows/types.js';

const ROOT = '/srv/elt/shop';
const TASKS = [['tap-a target-pg', 'tap-b target-pg', 'tap-c target-pg'], 'dbt:run', ['dbt:test']];

function projectWith(annotations: string): Project {
  const text = `jobs:\n- name: fan\n  tasks: ${JSON.stringify(TASKS)}\n${annotations}schedules:\n- name: nightly\n  interval: '@daily'\n  job: fan\n`;
  const p = buildProject(ROOT, [parseProjectFile(path.join(ROOT, 'meltano.yml'), ROOT, text)]);
  expect(p.problems).toEqual([]);
  return p;
}
const job = (annotations: string): ReturnType<typeof jobTasks> => jobTasks(projectWith(annotations), 'fan');
const ctx = (p: Project) => ({
  project: p,
  projectKey: 'shop',
  owner: 'dir:shop',
  legacyProjectKey: 'shop',
  environment: 'dev',
});

describe('parallel groups: the tasks', () => {
  it('without the opt-in, an inner list is one task, as meltano run and taskArgs have it', () => {
    for (const annotations of ['', '  annotations:\n    temporal:\n      parallel: false\n']) {
      const resolved = job(annotations);
      expect(resolved.tasks).toEqual(taskArgs(TASKS).map((args, index) => ({ index, command: 'run', args })));
      expect(resolved.tasks).toHaveLength(3);
    }
  });

  it('with parallel: true, each item of an inner list of two or more is a task in its group', () => {
    const resolved = job('  annotations:\n    temporal:\n      parallel: true\n');
    expect(resolved.tasks).toEqual([
      { index: 0, command: 'run', args: ['tap-a', 'target-pg'], group: { step: 0, steps: 3, item: 0, size: 3 } },
      { index: 1, command: 'run', args: ['tap-b', 'target-pg'], group: { step: 0, steps: 3, item: 1, size: 3 } },
      { index: 2, command: 'run', args: ['tap-c', 'target-pg'], group: { step: 0, steps: 3, item: 2, size: 3 } },
      { index: 3, command: 'run', args: ['dbt:run'] },
      { index: 4, command: 'run', args: ['dbt:test'] },
    ]);
    expect(parallelTaskArgs('tap target')).toEqual([{ args: ['tap', 'target'] }]);
  });

  it('refuses a parallel value that is not true or false, naming file, job and fix', () => {
    let err: unknown;
    try {
      job('  annotations:\n    temporal:\n      parallel: "yes"\n');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProjectFileError);
    expect((err as ProjectFileError).describe()).toContain(
      `meltano.yml: job 'fan' annotations.temporal.parallel: must be true or false, not "yes"`,
    );
    expect((err as ProjectFileError).describe()).toContain('parallel: true');
  });

  it('sync refuses the bad value too; a good one leaves the schedule as it was', () => {
    const bad = projectWith('  annotations:\n    temporal:\n      parallel: 1\n');
    expect(() => desiredSchedule(ctx(bad), bad.schedules[0]!)).toThrow(
      "job 'fan' annotations.temporal.parallel: must be true or false, not 1",
    );
    const plain = projectWith('');
    const parallel = projectWith('  annotations:\n    temporal:\n      parallel: true\n');
    expect(desiredSchedule(ctx(parallel), parallel.schedules[0]!)).toEqual(
      desiredSchedule(ctx(plain), plain.schedules[0]!),
    );
  });
});

describe('parallel groups: labels and failure text', () => {
  const tasks = job('  annotations:\n    temporal:\n      parallel: true\n').tasks as ResolvedTask[];
  const [a, b, c, run] = tasks as [ResolvedTask, ResolvedTask, ResolvedTask, ResolvedTask];

  it('labels an item [step letter/steps]; a task outside a group reads as before', () => {
    expect(taskText(b)).toBe('[1b/3] tap-b target-pg');
    expect(taskSummary(c, tasks.length)).toBe('[1c/3] tap-c target-pg (3/5)');
    expect(taskText(run)).toBe('dbt:run');
    expect(groupLabel(run)).toBe('');
    expect(groupLabel({ group: { step: 1, steps: 2, item: 27, size: 30 } })).toBe('[2ab/2]');
  });

  it('finds the group of an item', () => {
    expect(groupOf(tasks, b).map((t) => t.index)).toEqual([0, 1, 2]);
    expect(groupOf(tasks, run)).toEqual([run]);
  });

  it('names every failed item in the run failure', () => {
    const text = groupFailureText(
      a,
      { job: 'fan', tasks },
      [
        { task: a, message: 'exit 1' },
        { task: c, message: 'exit 2' },
      ],
      3,
    );
    expect(text).toBe(
      "Group 1/3 of job 'fan' failed (2 of 3 items): [1a/3] 'tap-a target-pg' (task 1/5): exit 1; [1c/3] 'tap-c target-pg' (task 3/5): exit 2",
    );
  });
});

describe('parallel groups: where runs retry resumes', () => {
  it('starts at the first task that did not complete and skips the later ones that did', () => {
    // b failed; a and c completed.
    expect(groupRetryPlan({ fromTask: 0 }, [0, 2])).toEqual({ fromTask: 1, doneTasks: [2] });
    // a failed; b and c completed.
    expect(groupRetryPlan({ fromTask: 0 }, [2, 1])).toEqual({ fromTask: 0, doneTasks: [1, 2] });
    // The whole group failed: nothing to skip.
    expect(groupRetryPlan({ fromTask: 0 }, [])).toEqual({ fromTask: 0, doneTasks: [] });
  });

  it('a retry of a retry keeps what the first retry skipped', () => {
    // The first retry started at 0 skipping 1 and 2; 0 completed this time, 3 failed.
    expect(groupRetryPlan({ fromTask: 0, doneTasks: [1, 2] }, [0])).toEqual({ fromTask: 3, doneTasks: [] });
    expect(groupRetryPlan({ fromTask: 1, skipTasks: [3] }, [1])).toEqual({ fromTask: 2, doneTasks: [3] });
  });

  it('the retry says which tasks it skips', () => {
    expect(retryDetails({ workflowId: 'w', runId: 'r', fromTask: 0, doneTasks: [1, 2] }, 5)).toBe(
      'Retry of w (run r) from the first task, skipping tasks 2, 3 (completed in its group)',
    );
  });
});
