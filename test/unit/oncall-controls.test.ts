/**
 * The on-call controls as pure logic: which stall_timeout applies (schedule,
 * job, project) and its refusals, the output watch behind the heartbeat and
 * the stall, the count of failed runs in a row, the `stalled` and `paused`
 * events and messages, `runs retry --from-task/--skip-task` choices, and how
 * `runs` prints a stalled run and a hand-skipped retry.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject } from '../helpers/project.js';
import { loadProject } from '../../src/project/load.js';
import { findSchedule, type ScheduleDef } from '../../src/project/model.js';
import { ProjectFileError, UsageError } from '../../src/errors.js';
import { temporalAnnotations } from '../../src/temporal/annotations.js';
import { effectiveStallTimeout } from '../../src/temporal/stall-timeout.js';
import { desiredSchedule } from '../../src/temporal/schedule-mapping.js';
import { OutputWatch } from '../../src/meltano/output-watch.js';
import { failuresInARow, pauseNote, type StreakRun } from '../../src/temporal/failure-streak.js';
import { eventForOutcome, wantsEvent } from '../../src/notify/events.js';
import { buildMessage } from '../../src/notify/message.js';
import { chooseTasks, retryDetails } from '../../src/temporal/retry-plan.js';
import { renderRunStrips, type StripRun } from '../../src/cli/runs/strip.js';
import { runPrinter } from '../../src/cli/runs/follow-output.js';
import { PassThrough } from 'node:stream';
import { FAILURE } from '../../workflows/contract.js';
import { sleep, waitFor } from '../helpers/wait.js';

function project(yaml: string) {
  const dir = makeProject({});
  writeFileSync(path.join(dir, 'meltano.yml'), yaml);
  return loadProject({ root: dir });
}

const JOBS = `jobs:
- name: quiet
  tasks: [tap-a target-b]
  annotations: {temporal: {stall_timeout: 20m}}
- name: plain
  tasks: [tap-a target-b]
`;

describe('stall_timeout: the schedule, else its job, else the project', () => {
  it('takes the most specific one and says where it came from', () => {
    const p = project(`annotations: {temporal: {stall_timeout: 1h}}
${JOBS}schedules:
- {name: own, interval: '@daily', job: quiet, annotations: {temporal: {stall_timeout: 5m}}}
- {name: by-job, interval: '@daily', job: quiet}
- {name: by-project, interval: '@daily', job: plain}
`);
    const of = (name: string) => effectiveStallTimeout(p, { schedule: findSchedule(p, name) as ScheduleDef });
    expect(of('own')).toEqual({ value: '5m', source: "schedule 'own'" });
    expect(of('by-job')).toEqual({ value: '20m', source: "job 'quiet'" });
    expect(of('by-project')).toEqual({ value: '1h', source: 'the project (top-level annotations)' });
    expect(effectiveStallTimeout(p, { job: 'plain' })).toEqual({
      value: '1h',
      source: 'the project (top-level annotations)',
    });
  });

  it('none set: no stall timeout at all', () => {
    const p = project(`${JOBS}schedules:\n- {name: s, interval: '@daily', job: plain}\n`);
    expect(effectiveStallTimeout(p, { schedule: findSchedule(p, 's') as ScheduleDef })).toBeUndefined();
  });

  it('refuses a value that is not a duration, naming the file, the entry and the fix', () => {
    const p = project(`annotations: {temporal: {stall_timeout: soon}}
${JOBS}schedules:\n- {name: s, interval: '@daily', job: plain}\n`);
    let err: unknown;
    try {
      effectiveStallTimeout(p, { schedule: findSchedule(p, 's') as ScheduleDef });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProjectFileError);
    expect((err as ProjectFileError).describe()).toContain(
      `meltano.yml: top-level annotations.temporal.stall_timeout: must be a duration such as '30s', '5m' or '2h', not "soon"`,
    );
    expect((err as ProjectFileError).hint).toBe("set stall_timeout: '30m'");
    expect(() =>
      temporalAnnotations({ name: 's', file: 'meltano.yml', annotations: { temporal: { stall_timeout: 30 } } }),
    ).toThrow(/stall_timeout must be a duration/u);
  });

  it('sync refuses a schedule whose job has a bad stall_timeout, before any run', () => {
    const p = project(`jobs:
- name: j
  tasks: [tap-a target-b]
  annotations: {temporal: {stall_timeout: [5m]}}
schedules:\n- {name: s, interval: '@daily', job: j}\n`);
    const ctx = { project: p, projectKey: 'p', owner: 'o', legacyProjectKey: 'p', environment: 'dev' };
    expect(() => desiredSchedule(ctx, findSchedule(p, 's') as ScheduleDef)).toThrow(
      /meltano.yml: job 'j' annotations.temporal.stall_timeout: must be a duration/u,
    );
  });

  it('pause_after_failures is a whole number of at least 1', () => {
    const read = (v: unknown) =>
      temporalAnnotations({ name: 's', file: 'meltano.yml', annotations: { temporal: { pause_after_failures: v } } });
    expect(read(3).pauseAfterFailures).toBe(3);
    expect(() => read(0)).toThrow(/pause_after_failures must be a whole number of at least 1, not 0/u);
    expect(() => read('3')).toThrow(/not "3"/u);
  });
});

describe('output watch', () => {
  it('counts lines and bytes and the time since the last line', () => {
    let now = 1000;
    const watch = new OutputWatch(() => now);
    watch.line('héllo');
    now += 2500;
    watch.line('x');
    now += 700;
    expect(watch.progress()).toEqual({ lines: 2, bytes: 7 + 2, idleMs: 700 });
  });

  it('calls the stall handler once after that long without output, not before', async () => {
    // The watch's own clock is the test's: a loaded machine cannot make it stall early.
    let now = 0;
    const watch = new OutputWatch(() => now);
    const stalls: number[] = [];
    watch.watchForStall(300, (idle) => stalls.push(idle));
    now = 250;
    watch.line('still here');
    now = 500;
    await sleep(700);
    expect(stalls).toEqual([]);
    now = 550;
    await waitFor('the stall handler', () => (stalls.length ? stalls : undefined), { timeoutMs: 10_000 });
    await sleep(1200);
    expect(stalls).toEqual([300]);
    watch.stop();
  });
});

describe('failed runs in a row', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 5, 12, minute));
  const r = (runId: string, status: string, minute: number, pausedSchedule = false): StreakRun => ({
    runId,
    status,
    closeTime: at(minute),
    pausedSchedule,
  });

  it('counts the current run and the failures before it, newest first, up to a success', () => {
    const runs = [r('a', 'FAILED', 1), r('b', 'COMPLETED', 2), r('c', 'FAILED', 3), r('d', 'TIMED_OUT', 4)];
    expect(failuresInARow(runs, 'now', 10)).toBe(3);
  });

  it('cancelled and terminated runs neither count nor end the streak; the order is by close time', () => {
    const runs = [r('d', 'FAILED', 4), r('c', 'CANCELLED', 3), r('b', 'TERMINATED', 5), r('a', 'COMPLETED', 1)];
    expect(failuresInARow(runs, 'now', 10)).toBe(2);
  });

  it('stops at the run that paused the schedule: an unpause starts the count again', () => {
    const runs = [r('a', 'FAILED', 1), r('b', 'FAILED', 2, true), r('c', 'FAILED', 3)];
    expect(failuresInARow(runs, 'now', 10)).toBe(2);
  });

  it('ignores the current run listed among the closed ones, and stops counting at the threshold', () => {
    const runs = [r('now', 'FAILED', 9), ...[1, 2, 3, 4, 5].map((m) => r(`f${m}`, 'FAILED', m))];
    expect(failuresInARow(runs, 'now', 3)).toBe(3);
  });

  it('the note says why, how many, and the last run', () => {
    expect(pauseNote(3, 'meltano:p:dev:s-1', at(0))).toBe(
      'paused by meltano-temporal after 3 failed runs in a row (pause_after_failures: 3; last: meltano:p:dev:s-1 at 2026-12-05T12:00:00.000Z); unpause to resume and restart the count',
    );
  });
});

describe('stalled and paused events', () => {
  it('are failures too: a channel for failure hears them; one can ask for them alone', () => {
    expect(wantsEvent(['failure'], 'stalled')).toBe(true);
    expect(wantsEvent(['failure'], 'paused')).toBe(true);
    expect(wantsEvent(['paused'], 'paused')).toBe(true);
    expect(wantsEvent(['recovery'], 'paused')).toBe(false);
    expect(eventForOutcome('failed', undefined, ['failure'], true)).toBe('stalled');
    expect(eventForOutcome('failed', undefined, ['stalled'], true)).toBe('stalled');
    expect(eventForOutcome('failed', undefined, ['stalled'], false)).toBeUndefined();
    expect(eventForOutcome('failed', undefined, ['failure'], false)).toBe('failure');
  });

  it('read as one headline each; the paused message carries the note', () => {
    const base = { project: 'p', schedule: 'nightly', job: 'j', workflowId: 'w', runId: 'r' } as const;
    const stalled = buildMessage({
      ...base,
      kind: 'stalled',
      status: 'failed',
      failedTask: { number: 1, total: 2, task: 'tap-x target-y' },
      durationMs: 65_000,
    });
    expect(stalled.text.split('\n')[0]).toBe(
      ':red_circle: Run of schedule *nightly* stalled at task 1/2 `tap-x target-y`: no output for its stall_timeout, the task was stopped after 1m05s',
    );
    const paused = buildMessage({ ...base, kind: 'paused', status: 'paused', pausedAfter: 3, note: 'paused by x' });
    expect(paused.event).toBe('paused');
    expect(paused.pausedAfter).toBe(3);
    expect(paused.text.split('\n')[0]).toBe(
      ':double_vertical_bar: Schedule *nightly* paused after 3 failed runs in a row (pause_after_failures): no more runs until it is unpaused (`meltano-temporal schedule unpause nightly`)',
    );
    expect(paused.text).toContain('note: paused by x');
  });
});

describe('runs retry --from-task / --skip-task', () => {
  const job = { name: 'three', tasks: ['tap-a target-x', 'tap-b target-x', 'dbt:run'] };
  const usage = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return `${(err as UsageError).message} | ${(err as UsageError).hint ?? ''}`;
    }
    throw new Error('accepted');
  };

  it('from a task, skipping others (1-based in, 0-based out)', () => {
    expect(chooseTasks({ fromTask: '2' }, 0, job)).toEqual({ fromTask: 1, skipTasks: [], fromTaskChosen: true });
    expect(chooseTasks({ skipTasks: ['1'] }, 0, job)).toEqual({ fromTask: 0, skipTasks: [0], fromTaskChosen: false });
    expect(chooseTasks({ skipTasks: ['3,2', '2'] }, 0, job).skipTasks).toEqual([1, 2]);
    // The default start is the first task the original did not finish.
    expect(chooseTasks({ skipTasks: ['2'] }, 1, job)).toEqual({ fromTask: 1, skipTasks: [1], fromTaskChosen: false });
  });

  it('refuses numbers that are not tasks of the job, contradictions, and nothing to run', () => {
    expect(usage(() => chooseTasks({ fromTask: '4' }, 0, job))).toBe(
      "--from-task 4: job 'three' has 3 tasks (1 'tap-a target-x', 2 'tap-b target-x', 3 'dbt:run') | give a number from 1 to 3",
    );
    expect(usage(() => chooseTasks({ skipTasks: ['0'] }, 0, job))).toContain(
      "--skip-task must be a task number (1, 2, ...), not '0'",
    );
    expect(usage(() => chooseTasks({ fromTask: 'two' }, 0, job))).toContain("not 'two'");
    expect(usage(() => chooseTasks({ fromTask: '2', fromStart: true }, 0, job))).toContain(
      '--from-start and --from-task contradict each other',
    );
    expect(usage(() => chooseTasks({ fromTask: '3', skipTasks: ['1'] }, 0, job))).toContain(
      '--skip-task 1: the retry starts at task 3, so the tasks before it are skipped anyway',
    );
    expect(usage(() => chooseTasks({ skipTasks: ['1,2,3'] }, 0, job))).toContain(
      "nothing left to run: every task of job 'three' would be skipped",
    );
  });

  it('the new run says what was skipped by hand and by whom', () => {
    const origin = { workflowId: 'w', runId: 'r', fromTask: 0, skipTasks: [0], by: 'ann@host1' };
    expect(retryDetails(origin)).toBe(
      'Retry of w (run r) from the first task, skipping task 1 (--skip-task), by ann@host1',
    );
    expect(retryDetails({ workflowId: 'w', runId: 'r', fromTask: 1, fromTaskChosen: true, by: 'ann@host1' }, 3)).toBe(
      'Retry of w (run r) from task 2/3 (--from-task), by ann@host1',
    );
    expect(retryDetails({ workflowId: 'w', runId: 'r', fromTask: 1 })).toBe('Retry of w (run r) from task 2');
  });
});

describe('runs: a stalled run and a hand-skipped retry', () => {
  const base = { schedule: 'nightly', durationMs: 20_000, rows: null } as const;
  it('names the stall and the skip with who did it', () => {
    const runs: StripRun[] = [
      {
        ...base,
        workflowId: 'nightly-retry',
        status: 'COMPLETED',
        startTime: '2026-12-05T12:10:00.000Z',
        failedTask: null,
        retry: { of: 'nightly-1', fromTask: 1, skippedTasks: [1], by: 'ann@host1' },
      },
      {
        ...base,
        workflowId: 'nightly-1',
        status: 'FAILED',
        startTime: '2026-12-05T12:00:00.000Z',
        failedTask: 'tap-a target-x',
        failureType: FAILURE.taskStalled,
      },
    ];
    const lines = renderRunStrips(runs, { color: false, perSchedule: 5 }).split('\n');
    expect(lines).toContain(
      "  ✗ 2026-12-05 12:00Z stalled (no output for its stall_timeout) at 'tap-a target-x': nightly-1",
    );
    expect(lines).toContain(
      '  ↻ 2026-12-05 12:10Z retry of nightly-1 from task 1, skipped task 1, by ann@host1: nightly-retry',
    );
  });
});

describe('runs: a retry after a parallel group failed', () => {
  it('names the tasks its group had completed, with no one to credit', () => {
    const runs: StripRun[] = [
      {
        schedule: 'fan',
        durationMs: 4_000,
        rows: null,
        workflowId: 'fan-retry',
        status: 'COMPLETED',
        startTime: '2026-12-05T12:10:00.000Z',
        failedTask: null,
        retry: { of: 'fan-1', fromTask: 1, skippedTasks: [], doneTasks: [2, 3], by: null },
      },
    ];
    expect(renderRunStrips(runs, { color: false, perSchedule: 5 }).split('\n')).toContain(
      '  ↻ 2026-12-05 12:10Z retry of fan-1 from task 1, not re-running tasks 2, 3 (completed in its group): fan-retry',
    );
  });
});

describe('the heartbeat line of a followed run', () => {
  it('shows rows so far and, once it matters, how long the task has been silent', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const print = runPrinter('w', out);
    const beat = { elapsedMs: 95_000, lines: 120, bytes: 9000, lastLine: 'waiting' };
    print({ type: 'heartbeat', beat: { ...beat, idleMs: 5_000, rows: 300 } });
    print({ type: 'heartbeat', beat: { ...beat, idleMs: 47_000, rows: 300 } });
    // A beat of a worker from before stall detection has neither bytes nor idle time.
    print({ type: 'heartbeat', beat: { elapsedMs: 96_000, lines: 121, lastLine: '' } });
    expect(text.split('\n')).toEqual([
      '  … 95s, 120 lines, 300 rows: waiting',
      '  … 95s, 120 lines, 300 rows, no output for 40s: waiting',
      '  … 96s, 121 lines',
      '',
    ]);
  });
});
