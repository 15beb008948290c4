import { describe, expect, it } from 'vitest';
import { compactCount, renderRunStrips, type StripRun } from '../../src/cli/runs/strip.js';

function run(
  schedule: string | null,
  start: string,
  status: string,
  durationMs: number | null,
  rows: number | null,
  failedTask: string | null = null,
): StripRun {
  return {
    workflowId: `${schedule ?? 'adhoc'}-${start}`,
    schedule,
    status,
    startTime: start,
    durationMs,
    failedTask,
    rows,
  };
}

const RUNS: StripRun[] = [
  run('mysql2pg', '2026-11-25T14:00:02.000Z', 'RUNNING', null, null),
  run('mysql2pg', '2026-11-25T13:00:01.000Z', 'COMPLETED', 6500, 11),
  run('mysql2pg', '2026-11-25T12:00:01.000Z', 'FAILED', 2000, null, 'tap-mysql target-postgres'),
  run('mysql2pg', '2026-11-25T11:00:01.000Z', 'COMPLETED', 61_000, 12_345),
  run('mysql2pg', '2026-11-25T10:00:01.000Z', 'COMPLETED', 7000, 3),
  run('daily', '2026-11-25T00:00:00.000Z', 'COMPLETED', 3_725_000, 4_200_000),
];

describe('runs status strip', () => {
  it('one block per schedule, newest schedule first; columns oldest to newest with status, duration, rows; the last failure named', () => {
    const text = renderRunStrips(RUNS, { color: false, perSchedule: 4, now: new Date('2026-11-25T14:01:14.000Z') });
    expect(text.split('\n')).toEqual([
      'mysql2pg  2/3 succeeded of the last 4; latest started 2026-11-25 14:00Z',
      '  status  ✓       ✗       ✓       ▶',
      '  time    1m01s   2.0s    6.5s    1m12s',
      '  rows    12k     -       11      -',
      "  ✗ 2026-11-25 12:00Z failed at 'tap-mysql target-postgres': mysql2pg-2026-11-25T12:00:01.000Z",
      '',
      'daily  1/1 succeeded of the last 1; latest started 2026-11-25 00:00Z',
      '  status  ✓',
      '  time    1h02m',
      '  rows    4.2M',
      '',
    ]);
  });

  it('colours marks only on a terminal; the layout stays the same', () => {
    const plain = renderRunStrips(RUNS, { color: false, perSchedule: 5 });
    const colored = renderRunStrips(RUNS, { color: true, perSchedule: 5 });
    expect(plain).not.toContain('\x1b[');
    expect(colored).toContain('\x1b[31m✗\x1b[0m');
    expect(colored).toContain('\x1b[32m✓\x1b[0m');
    // Stripping the colour codes gives the plain text back.
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\x1b\[\d+m/gu, '')).toBe(plain);
  });

  it('runs without a schedule are grouped; nothing to show gives nothing', () => {
    expect(
      renderRunStrips([run(null, '2026-11-25T09:00:00.000Z', 'TERMINATED', 1000, null)], {
        color: false,
        perSchedule: 3,
      }),
    ).toContain('(no schedule)  0/1 succeeded');
    expect(renderRunStrips([], { color: false, perSchedule: 3 })).toBe('');
  });

  it('a running run that waits for a pool says so, under its schedule', () => {
    const waiting = {
      ...run('dbt', '2026-11-25T14:00:02.000Z', 'RUNNING', null, null),
      waiting: 'waiting for pool warehouse (2/2 busy)',
    };
    const text = renderRunStrips([waiting], {
      color: false,
      perSchedule: 4,
      now: new Date('2026-11-25T14:01:14.000Z'),
    });
    expect(text.split('\n')).toContain(
      '  … 2026-11-25 14:00Z waiting for pool warehouse (2/2 busy): dbt-2026-11-25T14:00:02.000Z',
    );
    expect(renderRunStrips(RUNS, { color: false, perSchedule: 4 })).not.toContain('waiting');
  });

  it('compact counts fit a cell', () => {
    expect([0, 999, 1000, 12_345, 999_999, 4_200_000, 42_000_000].map(compactCount)).toEqual([
      '0',
      '999',
      '1.0k',
      '12k',
      '1.0M',
      '4.2M',
      '42M',
    ]);
  });

  it('one interval line per run that knows its interval, oldest first, labelled once', () => {
    const withInterval = (start: string, from: string, to: string): StripRun => ({
      ...run('hourly', start, 'COMPLETED', 5000, 1),
      interval: { start: from, end: to },
    });
    const text = renderRunStrips(
      [
        withInterval('2026-12-05T21:40:10.000Z', '2026-12-01T08:00:00Z', '2026-12-01T09:00:00Z'),
        run('hourly', '2026-12-05T21:40:05.000Z', 'RUNNING', null, null),
        withInterval('2026-12-05T21:40:00.000Z', '2026-12-01T06:00:00Z', '2026-12-01T07:00:00Z'),
      ],
      { color: false, perSchedule: 5, now: new Date('2026-12-05T21:41:00.000Z') },
    );
    expect(text.split('\n').filter((l) => l.includes('→'))).toEqual([
      '  interval ✓ 2026-12-01 06:00Z → 2026-12-01 07:00Z',
      '           ✓ 2026-12-01 08:00Z → 2026-12-01 09:00Z',
    ]);
  });
});
