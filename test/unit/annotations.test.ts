/**
 * `annotations.temporal` of a schedule: every setting, the documented
 * defaults, and each refusal naming the file, the schedule and the fix.
 */
import { describe, expect, it } from 'vitest';
import {
  notInEnvironment,
  DEFAULT_CATCHUP_WINDOW,
  DEFAULT_POLICY,
  OVERLAP_POLICIES,
  temporalAnnotations,
  type TemporalAnnotations,
} from '../../src/temporal/annotations.js';
import { ProjectFileError } from '../../src/errors.js';

const FILE = 'subconfig_etl.yml';

function read(temporal: unknown, extra: Record<string, unknown> = {}): TemporalAnnotations {
  return temporalAnnotations({ name: 'nightly', file: FILE, annotations: { ...extra, temporal } });
}

/** The refusal for this value: [message, fix]; fails when the value is accepted. */
function refusal(temporal: unknown): [string, string | undefined] {
  try {
    read(temporal);
  } catch (err) {
    expect(err).toBeInstanceOf(ProjectFileError);
    const e = err as ProjectFileError;
    expect(e.exitCode).toBe(1);
    expect(e.file).toBe(FILE);
    expect(e.entry).toBe("schedule 'nightly' annotations.temporal");
    return [e.message, e.hint];
  }
  throw new Error(`accepted: ${JSON.stringify(temporal)}`);
}

const WHERE = `${FILE}: schedule 'nightly' annotations.temporal: `;
const DURATION_FIX = (key: string): string => `set ${key}: '5m'`;

describe('temporalAnnotations', () => {
  const DEFAULTS: TemporalAnnotations = {
    policy: {
      maximumAttempts: 3,
      initialInterval: '30s',
      backoffCoefficient: 2,
      maximumInterval: '10m',
      taskTimeout: '6h',
      heartbeatTimeout: '2m',
    },
    overlap: 'skip',
    catchupWindow: '5m',
    paused: false,
    pauseOnFailure: false,
  };

  it('gives the documented defaults (docs/configuration.md) without annotations, with other tools’ annotations, and for an empty mapping', () => {
    expect(DEFAULT_POLICY).toEqual(DEFAULTS.policy);
    expect(DEFAULT_CATCHUP_WINDOW).toBe('5m');
    expect(temporalAnnotations({ name: 'nightly', file: FILE })).toStrictEqual(DEFAULTS);
    expect(temporalAnnotations({ name: 'nightly', file: FILE, annotations: { airflow: { pool: 'x' } } })).toStrictEqual(
      DEFAULTS,
    );
    expect(read({})).toStrictEqual(DEFAULTS);
  });

  it('reads every setting', () => {
    expect(
      read({
        attempts: 5,
        backoff: '1m',
        backoff_coefficient: 1.5,
        max_backoff: '1h',
        task_timeout: '90m',
        heartbeat_timeout: '30s',
        timezone: 'Europe/Paris',
        overlap: 'buffer_all',
        catchup_window: '1d',
        jitter: '45s',
        paused: true,
        pause_on_failure: true,
      }),
    ).toStrictEqual({
      policy: {
        maximumAttempts: 5,
        initialInterval: '1m',
        backoffCoefficient: 1.5,
        maximumInterval: '1h',
        taskTimeout: '90m',
        heartbeatTimeout: '30s',
      },
      timezone: 'Europe/Paris',
      overlap: 'buffer_all',
      catchupWindow: '1d',
      jitter: '45s',
      paused: true,
      pauseOnFailure: true,
    });
  });

  it('accepts every overlap policy, fractional and millisecond durations, and UTC', () => {
    expect(OVERLAP_POLICIES).toEqual([
      'skip',
      'buffer_one',
      'buffer_all',
      'cancel_other',
      'terminate_other',
      'allow_all',
    ]);
    for (const overlap of OVERLAP_POLICIES) expect(read({ overlap }).overlap).toBe(overlap);
    expect(read({ heartbeat_timeout: '0.5m' }).policy.heartbeatTimeout).toBe('0.5m');
    expect(read({ backoff: '1500ms' }).policy.initialInterval).toBe('1500ms');
    expect(read({ timezone: 'UTC' }).timezone).toBe('UTC');
    expect(read({ paused: false, pause_on_failure: false })).toMatchObject({ paused: false, pauseOnFailure: false });
  });

  it('refuses annotations.temporal that is not a mapping', () => {
    for (const value of ['yes', null, ['attempts', 3], 3]) {
      expect(refusal(value)).toEqual([
        `${WHERE}must be a mapping`,
        'write annotations: {temporal: {attempts: 3, timezone: UTC}}',
      ]);
    }
  });

  it('refuses unknown keys, listing them and the known ones', () => {
    expect(refusal({ retries: 2, Attempts: 3, attempts: 3 })).toEqual([
      `${WHERE}unknown key(s) retries, Attempts`,
      'use only attempts, backoff, backoff_coefficient, max_backoff, task_timeout, heartbeat_timeout, timezone, overlap, catchup_window, jitter, paused, pause_on_failure, pause_after_failures, stall_timeout, notify, pool, after, workflow, environments, task_queue',
    ]);
  });

  it('refuses attempts that are not a whole number of at least 1', () => {
    for (const [value, shown] of [
      [0, '0'],
      [2.5, '2.5'],
      ['3', '"3"'],
      [-1, '-1'],
      [true, 'true'],
      [null, 'null'],
    ] as const) {
      expect(refusal({ attempts: value })).toEqual([
        `${WHERE}attempts must be a whole number of at least 1, not ${shown}`,
        'set attempts: 3',
      ]);
    }
  });

  it('refuses a backoff coefficient below 1 or not a number', () => {
    expect(refusal({ backoff_coefficient: 0.5 })).toEqual([
      `${WHERE}backoff_coefficient must be a number of at least 1, not 0.5`,
      'set backoff_coefficient: 2',
    ]);
    expect(refusal({ backoff_coefficient: '2' })[0]).toBe(
      `${WHERE}backoff_coefficient must be a number of at least 1, not "2"`,
    );
  });

  it('refuses durations without a unit, with spaces, zero, negative, numbers or unknown units', () => {
    for (const key of ['backoff', 'max_backoff', 'task_timeout', 'heartbeat_timeout', 'catchup_window', 'jitter']) {
      for (const [value, shown] of [
        ['30', '"30"'],
        ['5 m', '"5 m"'],
        ['0s', '"0s"'],
        ['-5m', '"-5m"'],
        ['1w', '"1w"'],
        ['1h30m', '"1h30m"'],
        [30, '30'],
        [null, 'null'],
      ] as const) {
        expect(refusal({ [key]: value })).toEqual([
          `${WHERE}${key} must be a duration such as '30s', '5m' or '2h', not ${shown}`,
          DURATION_FIX(key),
        ]);
      }
    }
  });

  it('refuses a heartbeat timeout under 30 seconds, saying why', () => {
    expect(refusal({ heartbeat_timeout: '29s' })).toEqual([
      `${WHERE}heartbeat_timeout 29s is too short: tasks heartbeat every 10 s and short timeouts kill healthy runs`,
      "use at least '30s' (default '2m')",
    ]);
    expect(read({ heartbeat_timeout: '30000ms' }).policy.heartbeatTimeout).toBe('30000ms');
  });

  it('refuses an unknown overlap policy, an empty one included', () => {
    for (const [value, shown] of [
      ['sometimes', '"sometimes"'],
      ['SKIP', '"SKIP"'],
      [null, 'null'],
      [1, '1'],
    ] as const) {
      expect(refusal({ overlap: value })).toEqual([
        `${WHERE}overlap must be one of skip, buffer_one, buffer_all, cancel_other, terminate_other, allow_all, not ${shown}`,
        'set overlap: skip (one run at a time, like Airflow max_active_runs=1)',
      ]);
    }
  });

  it('refuses a time zone that is not an IANA zone', () => {
    for (const [value, shown] of [
      ['Mars/Olympus_Mons', '"Mars/Olympus_Mons"'],
      ['', '""'],
      [2, '2'],
    ] as const) {
      expect(refusal({ timezone: value })).toEqual([
        `${WHERE}timezone ${shown} is not an IANA time zone`,
        'set timezone: Europe/Paris (or UTC)',
      ]);
    }
  });

  it('refuses paused and pause_on_failure that are not booleans', () => {
    expect(refusal({ paused: 'yes' })).toEqual([`${WHERE}paused must be true or false, not "yes"`, 'set paused: true']);
    expect(refusal({ pause_on_failure: 1 })).toEqual([
      `${WHERE}pause_on_failure must be true or false, not 1`,
      'set pause_on_failure: true',
    ]);
  });

  it('reports the first problem in reading order: the policy before overlap, time zone and the rest', () => {
    expect(refusal({ overlap: 'x', attempts: 0, timezone: 'x' })[0]).toMatch(/attempts must be/u);
    expect(refusal({ overlap: 'x', timezone: 'x' })[0]).toMatch(/overlap must be/u);
  });
});

describe('notInEnvironment', () => {
  it('no list: every environment; a list: only those named, a sync without environment counting as default', () => {
    expect(notInEnvironment({}, 'dev')).toBeUndefined();
    expect(notInEnvironment({ environments: ['prod', 'dev'] }, 'dev')).toBeUndefined();
    expect(notInEnvironment({ environments: ['prod'] }, 'dev')).toBe(
      'annotations.temporal.environments is [prod], not dev',
    );
    expect(notInEnvironment({ environments: ['prod'] }, undefined)).toBe(
      'annotations.temporal.environments is [prod], not default',
    );
    expect(notInEnvironment({ environments: ['default'] }, undefined)).toBeUndefined();
  });

  it('refuses an environments value that is not a non-empty list of names', () => {
    for (const value of ['prod', [], [''], [1]])
      expect(refusal({ environments: value })[0]).toMatch(/environments must be a list of Meltano environment names/u);
  });
});
