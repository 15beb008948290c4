/**
 * A Meltano schedule as a Temporal Schedule: id, cron, action input, search
 * attributes, the plan summary and the fingerprint `sync` compares.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import {
  desiredSchedule,
  environmentName,
  projectName,
  scheduleId,
  type DesiredSchedule,
  type MappingContext,
} from '../../src/temporal/schedule-mapping.js';
import { SEARCH_ATTRIBUTE_NAMES } from '../../workflows/contract.js';
import { buildProject } from '../../src/project/build.js';
import { parseProjectFile } from '../../src/project/files.js';
import { ProjectFileError } from '../../src/errors.js';
import type { Project, ScheduleDef } from '../../src/project/model.js';

const ROOT = '/srv/elt/shop';

function project(schedules: string, jobs = "- name: el\n  tasks: ['tap-foo target-jsonl']\n"): Project {
  const yaml = `default_environment: dev
environments:
- name: dev
plugins:
  extractors:
  - name: tap-foo
  loaders:
  - name: target-jsonl
jobs:
${jobs}schedules:
${schedules}`;
  return buildProject(ROOT, [parseProjectFile(path.join(ROOT, 'meltano.yml'), ROOT, yaml)]);
}

function context(p: Project, overrides: Partial<MappingContext> = {}): MappingContext {
  return {
    project: p,
    projectKey: 'shop',
    owner: 'dir:shop',
    legacyProjectKey: 'shop',
    environment: 'dev',
    ...overrides,
  };
}

/** The desired schedule of the only schedule in `schedules`. */
function desired(schedules: string, overrides: Partial<MappingContext> = {}, jobs?: string): DesiredSchedule {
  const p = project(schedules, jobs);
  expect(p.problems).toEqual([]);
  return desiredSchedule(context(p, overrides), p.schedules[0] as ScheduleDef);
}

function refusal(schedules: string): [string, string | undefined] {
  try {
    desired(schedules);
  } catch (err) {
    expect(err).toBeInstanceOf(ProjectFileError);
    return [(err as ProjectFileError).message, (err as ProjectFileError).hint];
  }
  throw new Error('accepted');
}

const jobSchedule = (interval: string, extra = ''): string =>
  `- name: nightly\n  interval: '${interval}'\n  job: el\n${extra}`;

describe('ids and names', () => {
  it('schedule ids are meltano:<project>:<environment>:<schedule>, default when no environment', () => {
    expect(scheduleId('shop', 'prod', 'nightly')).toBe('meltano:shop:prod:nightly');
    expect(scheduleId('shop', undefined, 'nightly')).toBe('meltano:shop:default:nightly');
  });

  it('the project key is MELTANO_TEMPORAL_PROJECT, else the directory name', () => {
    expect(projectName({ root: ROOT, projectId: null }, {})).toBe('shop');
    expect(projectName({ root: ROOT, projectId: null }, { MELTANO_TEMPORAL_PROJECT: 'analytics' })).toBe('analytics');
    expect(projectName({ root: ROOT, projectId: null }, { MELTANO_TEMPORAL_PROJECT: '' })).toBe('shop');
  });

  it('the environment is the flag, else MELTANO_ENVIRONMENT, else .env, else default_environment, else none', () => {
    const p = project("- name: nightly\n  interval: '@daily'\n  job: el\n");
    const withDotenv = { ...p, dotenv: { MELTANO_ENVIRONMENT: 'prod' } };
    expect(environmentName(p, 'prod', { MELTANO_ENVIRONMENT: 'staging' })).toBe('prod');
    expect(environmentName(p, undefined, { MELTANO_ENVIRONMENT: 'staging' })).toBe('staging');
    expect(environmentName(p, undefined, {})).toBe('dev');
    // The project's .env counts, as for `meltano run`; the process's variable wins over it.
    expect(environmentName(withDotenv, undefined, {})).toBe('prod');
    expect(environmentName(withDotenv, undefined, { MELTANO_ENVIRONMENT: 'staging' })).toBe('staging');
    const none = buildProject(ROOT, [parseProjectFile(path.join(ROOT, 'meltano.yml'), ROOT, 'version: 1\n')]);
    expect(environmentName(none, undefined, {})).toBeUndefined();
  });

  it('an empty MELTANO_ENVIRONMENT is default_environment from a shell (as meltano reads it), none under meltano invoke', () => {
    const p = project("- name: nightly\n  interval: '@daily'\n  job: el\n");
    expect(environmentName(p, undefined, { MELTANO_ENVIRONMENT: '' })).toBe('dev');
    // `meltano --no-environment invoke temporal:sync` exports its active environment: none.
    expect(
      environmentName(p, undefined, { MELTANO_ENVIRONMENT: '', MELTANO_UTILITY_NAME: 'temporal' }),
    ).toBeUndefined();
    expect(environmentName(p, undefined, { MELTANO_ENVIRONMENT: 'prod', MELTANO_UTILITY_NAME: 'temporal' })).toBe(
      'prod',
    );
    expect(environmentName(p, 'staging', { MELTANO_ENVIRONMENT: '', MELTANO_UTILITY_NAME: 'temporal' })).toBe(
      'staging',
    );
  });
});

describe('desiredSchedule', () => {
  it('maps every preset to its cron, and the manual-only ones to no cron', () => {
    const presets: Record<string, string | null> = {
      '@hourly': '0 * * * *',
      '@daily': '0 0 * * *',
      '@midnight': '0 0 * * *',
      '@weekly': '0 0 * * 0',
      '@monthly': '0 0 1 * *',
      '@yearly': '0 0 1 1 *',
      '@annually': '0 0 1 1 *',
      '@once': null,
      '@manual': null,
      '@none': null,
      '@HOURLY': '0 * * * *',
      ' @Daily ': '0 0 * * *',
    };
    for (const [interval, cron] of Object.entries(presets)) {
      const d = desired(jobSchedule(interval));
      expect(d.cron, interval).toBe(cron);
      expect(d.summary.cron, interval).toBe(cron ?? 'manual only');
      expect(d.summary.interval, interval).toBe(interval);
    }
  });

  it('keeps a 5-field cron as written, trimmed', () => {
    expect(desired(jobSchedule('  15 */6 * * MON-FRI ')).cron).toBe('15 */6 * * MON-FRI');
    expect(desired(jobSchedule('0 0 L * ?')).cron).toBe('0 0 L * ?');
  });

  it('a schedule without interval runs only when triggered', () => {
    const d = desired('- name: nightly\n  job: el\n');
    expect(d.cron).toBeNull();
    expect(d.summary.interval).toBe('(none)');
    expect(d.summary.cron).toBe('manual only');
  });

  it('the full mapping of a job schedule: id, job, input, task queue, search attributes and plan summary', () => {
    const d = desired(jobSchedule('@daily', '  env:\n    SECRET: hunter2\n'));
    expect(d.id).toBe('meltano:shop:dev:nightly');
    expect(d.job).toBe('el');
    expect(d.taskQueue).toBe('meltano');
    expect(d.input).toStrictEqual({ project: 'shop', schedule: 'nightly', environment: 'dev' });
    expect(Object.keys(d.searchAttributes)).toEqual([...SEARCH_ATTRIBUTE_NAMES]);
    expect(d.searchAttributes).toStrictEqual({
      MeltanoProject: 'shop',
      MeltanoSchedule: 'nightly',
      MeltanoJob: 'el',
      MeltanoEnvironment: 'dev',
    });
    expect(d.summary).toStrictEqual({
      interval: '@daily',
      cron: '0 0 * * *',
      job: 'el',
      'task queue': 'meltano',
      tasks: 'tap-foo target-jsonl',
      timezone: 'UTC',
      overlap: 'skip',
      'catch-up window': '5m',
      jitter: 'none',
      'pause on failure': 'false',
      retry:
        '{"maximumAttempts":3,"initialInterval":"30s","backoffCoefficient":2,"maximumInterval":"10m","taskTimeout":"6h","heartbeatTimeout":"2m"}',
    });
    // The schedule's env is resolved on the worker: no value reaches what is sent to Temporal.
    expect(JSON.stringify([d.input, d.summary, d.searchAttributes, d.id])).not.toContain('hunter2');
  });

  it('without an environment: no environment in the input, "default" in the id and search attribute', () => {
    const d = desired(jobSchedule('@daily'), { environment: undefined });
    expect(d.id).toBe('meltano:shop:default:nightly');
    expect(d.input).toStrictEqual({ project: 'shop', schedule: 'nightly' });
    expect(d.searchAttributes.MeltanoEnvironment).toBe('default');
  });

  it('an elt schedule runs "<extractor> <loader>" as its job', () => {
    const d = desired(
      "- name: gitlab\n  interval: '@hourly'\n  extractor: tap-foo\n  loader: target-jsonl\n  transform: skip\n",
    );
    expect(d.job).toBe('tap-foo target-jsonl');
    expect(d.summary.job).toBe('tap-foo target-jsonl');
    expect(d.searchAttributes.MeltanoJob).toBe('tap-foo target-jsonl');
    expect(d.id).toBe('meltano:shop:dev:gitlab');
  });

  it('time zone, jitter, overlap, catch-up window, pause on failure, retries and task queue reach the summary', () => {
    const d = desired(
      jobSchedule(
        '0 6 * * *',
        '  annotations:\n    temporal:\n      timezone: Europe/Paris\n      jitter: 90s\n      overlap: buffer_one\n      catchup_window: 1h\n      pause_on_failure: true\n      attempts: 1\n',
      ),
      { taskQueue: 'meltano-prod' },
    );
    expect(d.annotations.timezone).toBe('Europe/Paris');
    expect(d.annotations.jitter).toBe('90s');
    expect(d.taskQueue).toBe('meltano-prod');
    expect(d.summary).toMatchObject({
      timezone: 'Europe/Paris',
      jitter: '90s',
      overlap: 'buffer_one',
      'catch-up window': '1h',
      'pause on failure': 'true',
      'task queue': 'meltano-prod',
    });
    expect(JSON.parse(d.summary.retry ?? '')).toMatchObject({ maximumAttempts: 1 });
  });

  it('refuses an interval Meltano refuses, naming file, schedule and fix', () => {
    for (const interval of ['@reboot', '0 0 0 * * *', 'every day', '60 * * * *']) {
      expect(refusal(jobSchedule(interval))).toEqual([
        `meltano.yml: schedule 'nightly': Invalid Cron expression or alias: '${interval}'. Please use a valid cron expression.`,
        "use a preset such as '@daily' or 5-field cron such as '0 */6 * * *'",
      ]);
    }
  });

  it('refuses a schedule whose job is missing, naming the fix', () => {
    expect(refusal("- name: nightly\n  interval: '@daily'\n  job: gone\n")).toEqual([
      "meltano.yml: schedule 'nightly': Job 'gone' was not found.",
      'add the job (meltano-temporal job add gone --tasks ...) or point the schedule at an existing one (meltano-temporal schedule set nightly --job NAME)',
    ]);
  });

  it('names a job that exists but is invalid as invalid, never as not found', () => {
    const p = project("- name: nightly\n  interval: '@daily'\n  job: broken\n", '- name: broken\n  tasks: 42\n');
    let message = '';
    try {
      desiredSchedule(context(p), p.schedules[0] as ScheduleDef);
    } catch (err) {
      expect(err).toBeInstanceOf(ProjectFileError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^meltano\.yml: schedule 'nightly': job 'broken' \(meltano\.yml\) is invalid: /u);
    expect(message).not.toMatch(/not found/u);
  });

  it('refuses invalid annotations with their own message', () => {
    expect(refusal(jobSchedule('@daily', '  annotations:\n    temporal:\n      overlap: sometimes\n'))[0]).toMatch(
      /^meltano\.yml: schedule 'nightly' annotations\.temporal: overlap must be one of/u,
    );
  });
});

describe('fingerprint', () => {
  const base = jobSchedule('@daily', '  env:\n    A: one\n');

  it('is 16 hex digits, the same for the same schedule, and pinned', () => {
    const a = desired(base);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/u);
    expect(desired(base).fingerprint).toBe(a.fingerprint);
    // Stored in every schedule's memo: a change to what goes into it makes the
    // next sync update every schedule once ("definition changed"). The value is
    // sha256 of the JSON of {summary, input, searchAttributes}, first 16 digits
    // (worked out independently with Python's hashlib).
    expect(a.fingerprint).toBe('99e2ddaa40f94a1d');
  });

  it('ignores what Temporal does not hold: env values, the file, paused (set at creation only)', () => {
    const a = desired(base).fingerprint;
    const p = project(base);
    const moved = { ...(p.schedules[0] as ScheduleDef), file: 'subconfig_more.yml', index: 4 };
    expect(desiredSchedule(context(p), moved).fingerprint).toBe(a);
    expect(desired(jobSchedule('@daily', '  env:\n    A: two\n    B: three\n')).fingerprint).toBe(a);
    expect(
      desired(`${base}  annotations:\n    temporal:\n      paused: true\n    airflow:\n      pool: x\n`).fingerprint,
    ).toBe(a);
  });

  it('changes with the interval, job, environment, project, task queue and every scheduling setting', () => {
    const a = desired(base).fingerprint;
    const variants: [string, DesiredSchedule][] = [
      ['interval', desired(jobSchedule('@hourly', '  env:\n    A: one\n'))],
      ['equivalent preset spelled otherwise', desired(jobSchedule('@midnight', '  env:\n    A: one\n'))],
      [
        'job',
        desired(
          "- name: nightly\n  interval: '@daily'\n  job: other\n",
          {},
          "- name: el\n  tasks: [a]\n- name: other\n  tasks: ['tap-foo target-jsonl']\n",
        ),
      ],
      // The job's tasks are in the schedule's static summary, which the UI's schedule list shows.
      ['job tasks', desired(base, {}, "- name: el\n  tasks: ['tap-foo target-jsonl', 'dbt:run']\n")],
      ['environment', desired(base, { environment: 'prod' })],
      ['no environment', desired(base, { environment: undefined })],
      ['project', desired(base, { projectKey: 'analytics' })],
      ['task queue', desired(base, { taskQueue: 'other' })],
    ];
    for (const [key, value] of [
      ['timezone', 'Europe/Paris'],
      ['jitter', '10s'],
      ['overlap', 'allow_all'],
      ['catchup_window', '1m'],
      ['pause_on_failure', 'true'],
      ['attempts', '4'],
      ['backoff', '31s'],
      ['backoff_coefficient', '3'],
      ['max_backoff', '11m'],
      ['task_timeout', '7h'],
      ['heartbeat_timeout', '3m'],
    ]) {
      variants.push([key ?? '', desired(`${base}  annotations:\n    temporal:\n      ${key}: ${value}\n`)]);
    }
    const seen = new Map<string, string>([[a, 'base']]);
    for (const [name, d] of variants) {
      expect(seen.get(d.fingerprint), `${name} gives the fingerprint of ${seen.get(d.fingerprint)}`).toBeUndefined();
      seen.set(d.fingerprint, name);
    }
  });
});

describe('an interval YAML reads as a number or a boolean (`interval: 42`, unquoted)', () => {
  it('is loaded as Meltano loads it, and refused for Temporal with the file, the entry and the fix', () => {
    const p = project('- name: n42\n  interval: 42\n  job: el\n');
    expect(p.problems).toEqual([]);
    expect(p.schedules[0]).toMatchObject({ interval: '42', intervalScalar: 42 });
    expect(refusal('- name: n42\n  interval: 42\n  job: el\n')).toEqual([
      "meltano.yml: schedule 'n42': interval 42 is a YAML number, not a cron expression or preset, so no Temporal schedule can be made of it",
      "give it a preset or 5-field cron as a string: meltano-temporal schedule set n42 --interval '@daily' (or write it quoted in meltano.yml, e.g. interval: '0 */6 * * *')",
    ]);
    expect(refusal('- name: yes\n  interval: true\n  job: el\n')[0]).toBe(
      "meltano.yml: schedule 'yes': interval True is a YAML boolean, not a cron expression or preset, so no Temporal schedule can be made of it",
    );
    expect(refusal('- name: f\n  interval: 1.50\n  job: el\n')[0]).toMatch(
      /^meltano\.yml: schedule 'f': interval 1\.5 is a YAML number/u,
    );
  });

  it('quoted, the same digits are a string: refused as an invalid cron, as before', () => {
    expect(refusal("- name: q\n  interval: '42'\n  job: el\n")[0]).toBe(
      "meltano.yml: schedule 'q': Invalid Cron expression or alias: '42'. Please use a valid cron expression.",
    );
  });
});
