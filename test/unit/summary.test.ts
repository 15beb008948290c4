import { describe, expect, it } from 'vitest';
import {
  SUMMARY_MAX,
  formatCount,
  formatDuration,
  rowsPerTask,
  runCurrentDetails,
  runStaticDetails,
  runStaticSummary,
  scheduledOrigin,
  taskSummary,
  taskText,
  type RunDescription,
} from '../../workflows/summary.js';

const mysql2pg: RunDescription = {
  project: 'shop',
  environment: 'dev',
  schedule: 'mysql2pg',
  interval: '@hourly',
  job: 'mysql2pg',
  tasks: ['tap-mysql target-postgres', 'dbt-postgres:run'],
  origin: { kind: 'schedule', scheduleId: 'meltano:shop:dev:mysql2pg' },
};

describe('run summary texts', () => {
  it('a task reads as the user wrote it; elt schedules read like the command, without the state id', () => {
    expect(taskText({ command: 'run', args: ['tap-mysql', 'target-postgres'] })).toBe('tap-mysql target-postgres');
    expect(taskText({ command: 'run', args: ['dbt-postgres:run'] })).toBe('dbt-postgres:run');
    expect(
      taskText({ command: 'elt', args: ['tap-gitlab', 'target-jsonl', '--transform=skip', '--state-id=gitlab'] }),
    ).toBe('elt tap-gitlab target-jsonl --transform=skip');
    expect(taskSummary({ command: 'run', args: ['dbt-postgres:run'], index: 1 }, 2)).toBe('dbt-postgres:run (2/2)');
    expect(taskSummary({ command: 'run', args: ['dbt-postgres:run'], index: 0 }, 1)).toBe('dbt-postgres:run');
  });

  it('static summary: one line with schedule, tasks, project and environment, cut to the UI limit', () => {
    expect(runStaticSummary(mysql2pg)).toBe('mysql2pg: tap-mysql target-postgres → dbt-postgres:run [shop/dev]');
    expect(runStaticSummary({ ...mysql2pg, schedule: undefined, job: 'adhoc', environment: undefined })).toBe(
      'job adhoc: tap-mysql target-postgres → dbt-postgres:run [shop]',
    );
    const long = runStaticSummary({ ...mysql2pg, tasks: Array.from({ length: 50 }, (_, i) => `tap-${i} target-x`) });
    expect(long.length).toBe(SUMMARY_MAX);
    expect(long.endsWith('…')).toBe(true);
    expect(long).not.toContain('\n');
  });

  it('static details list project, environment, schedule with interval, job, origin and every task', () => {
    expect(runStaticDetails(mysql2pg)).toBe(
      [
        '**Project** `shop` · **Environment** `dev`',
        '**Schedule** `mysql2pg` (`@hourly`) · **Job** `mysql2pg`',
        '**Started by** schedule `meltano:shop:dev:mysql2pg` (its interval, or a trigger from the UI or CLI)',
        '',
        '**Tasks** (2, in order)',
        '1. `tap-mysql target-postgres`',
        '2. `dbt-postgres:run`',
      ].join('\n'),
    );
    const retry = runStaticDetails({ ...mysql2pg, interval: null, origin: { kind: 'retry', of: 'wf-1' } });
    expect(retry).toContain('(manual runs only)');
    expect(retry).toContain('**Started by** retry of run `wf-1`');
  });

  it('current details: which task of how many runs, rows so far, each task line', () => {
    const text = runCurrentDetails({
      tasks: [
        { text: 'tap-mysql target-postgres', state: 'succeeded', durationMs: 6500, rows: { customers: 5, orders: 6 } },
        { text: 'tap-b target-postgres', state: 'running', rows: { events: 1200 }, attempt: 2 },
        { text: 'dbt-postgres:run', state: 'pending' },
      ],
    });
    expect(text.split('\n')).toEqual([
      '**Running task 2 of 3**: `tap-b target-postgres` (attempt 2) · 1,211 rows so far',
      '',
      '✓ 1. `tap-mysql target-postgres` succeeded · 6.5s · 11 rows (customers=5, orders=6)',
      '▶ 2. `tap-b target-postgres` running · 1,200 rows (events=1,200) so far',
      '· 3. `dbt-postgres:run` pending',
    ]);
    expect(
      runCurrentDetails({
        tasks: [
          { text: 'a b', state: 'succeeded', durationMs: 1000 },
          { text: 'c', state: 'failed', durationMs: 61_000 },
        ],
        origin: { kind: 'backfill', scheduleId: 's', scheduledFor: '2026-11-01T00:00:00.000Z' },
      }).split('\n')[0],
    ).toBe('**Failed at task 2 of 2**: `c` · 0 rows so far');
    expect(runCurrentDetails({ tasks: [{ text: 'a', state: 'succeeded', durationMs: 3_725_000 }] })).toContain(
      '**Completed 1 of 1 task**',
    );
  });

  it('rows per stream per task of a result', () => {
    expect(
      rowsPerTask([
        { index: 0, args: ['tap-mysql', 'target-postgres'], rowsPerStream: { a: 2, b: 3 } },
        { index: 1, args: ['dbt-postgres:run'], rowsPerStream: {} },
      ]),
    ).toEqual([
      { task: 1, text: 'tap-mysql target-postgres', rows: { a: 2, b: 3 }, total: 5 },
      { task: 2, text: 'dbt-postgres:run', rows: {}, total: 0 },
    ]);
  });

  it('a scheduled run far behind its nominal time is a backfill; close to it, the schedule', () => {
    const started = new Date('2026-11-25T12:00:30Z');
    expect(scheduledOrigin('s', new Date('2026-11-25T12:00:00Z'), started)).toEqual({
      kind: 'schedule',
      scheduleId: 's',
    });
    expect(scheduledOrigin('s', new Date('2026-11-01T00:00:00Z'), started)).toEqual({
      kind: 'backfill',
      scheduleId: 's',
      scheduledFor: '2026-11-01T00:00:00.000Z',
    });
  });

  it('numbers and durations', () => {
    expect([formatCount(0), formatCount(999), formatCount(1234567)]).toEqual(['0', '999', '1,234,567']);
    expect([formatDuration(6500), formatDuration(61_000), formatDuration(3_725_000)]).toEqual([
      '6.5s',
      '1m01s',
      '1h02m',
    ]);
  });
});
