/**
 * Pools in meltano.yml (src/temporal/pools.ts): which pool a schedule's runs take a slot of (its own
 * `annotations.temporal.pool`, else its job's), the size (top level, an environment's override), the
 * refusals, and what sync writes: the pool only where there is one, so every other schedule's Temporal form
 * stays byte for byte what it was.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { buildProject } from '../../src/project/build.js';
import { parseProjectFile } from '../../src/project/files.js';
import { ProjectFileError } from '../../src/errors.js';
import { schedulePool } from '../../src/temporal/pools.js';
import { desiredSchedule, scheduleOptions, type MappingContext } from '../../src/temporal/schedule-mapping.js';
import type { Project, ScheduleDef } from '../../src/project/model.js';
import { poolWaitText, poolWorkflowId } from '../../workflows/pool-types.js';

const ROOT = '/srv/elt/shop';

function project(text: string): Project {
  return buildProject(ROOT, [parseProjectFile(path.join(ROOT, 'meltano.yml'), ROOT, text)]);
}

const base = (top: string, scheduleAnnotations = '', jobAnnotations = ''): string => `${top}environments:
- name: dev
- name: prod
  annotations:
    temporal:
      pools:
        warehouse: 4
plugins:
  extractors:
  - name: tap-foo
  loaders:
  - name: target-jsonl
jobs:
- name: el
  tasks: ['tap-foo target-jsonl']
${jobAnnotations}schedules:
- name: daily
  interval: '@daily'
  job: el
${scheduleAnnotations}`;

const POOLS = 'annotations:\n  temporal:\n    pools:\n      warehouse: 2\n      dbt: 1\n';
const OWN = '  annotations:\n    temporal:\n      pool: dbt\n';
const JOB = '  annotations:\n    temporal:\n      pool: warehouse\n';

const poolOf = (text: string, environment?: string) => {
  const p = project(text);
  expect(p.problems).toEqual([]);
  return schedulePool(p, p.schedules[0] as ScheduleDef, environment);
};

const context = (p: Project, environment = 'dev'): MappingContext => ({
  project: p,
  projectKey: 'shop',
  owner: 'dir:shop',
  legacyProjectKey: 'shop',
  environment,
});

const options = (text: string, environment = 'dev') => {
  const p = project(text);
  const ctx = context(p, environment);
  return scheduleOptions(desiredSchedule(ctx, p.schedules[0] as ScheduleDef), ctx);
};

function refusal(text: string, environment?: string): string {
  try {
    poolOf(text, environment);
  } catch (err) {
    expect(err).toBeInstanceOf(ProjectFileError);
    return (err as ProjectFileError).describe();
  }
  throw new Error('not refused');
}

describe('pools in meltano.yml', () => {
  it("a schedule's own pool, else its job's; none without either", () => {
    expect(poolOf(base(POOLS, OWN, JOB))).toEqual({ name: 'dbt', size: 1 });
    expect(poolOf(base(POOLS, '', JOB))).toEqual({ name: 'warehouse', size: 2 });
    expect(poolOf(base(POOLS))).toBeUndefined();
  });

  it("an environment's own sizes override the top level's", () => {
    expect(poolOf(base(POOLS, '', JOB), 'prod')).toEqual({ name: 'warehouse', size: 4 });
    expect(poolOf(base(POOLS, '', JOB), 'dev')).toEqual({ name: 'warehouse', size: 2 });
  });

  it('refuses a pool without a size, a size that is not a whole number of at least 1, and a pool that is not a name', () => {
    expect(refusal(base('', OWN))).toMatch(
      /meltano\.yml: schedule 'daily' annotations\.temporal\.pool: names pool 'dbt', which has no size[\s\S]*annotations: \{temporal: \{pools: \{dbt: 1\}\}\}/u,
    );
    expect(refusal(base(POOLS.replace('dbt: 1', 'dbt: 0'), OWN))).toMatch(
      /meltano\.yml: annotations\.temporal\.pools\.dbt: must be a whole number of at least 1[\s\S]*set dbt: 1/u,
    );
    expect(refusal(base(POOLS, '', JOB.replace('warehouse', '[a, b]')))).toMatch(
      /meltano\.yml: job 'el' annotations\.temporal\.pool: must be a pool's name/u,
    );
  });

  it("sync writes the pool and its size into the run's input and the plan; a size change changes the schedule", () => {
    const withPool = options(base(POOLS, OWN));
    expect(withPool.action.type === 'startWorkflow' && withPool.action.args).toEqual([
      { project: 'shop', schedule: 'daily', environment: 'dev', pool: { name: 'dbt', size: 1 } },
    ]);
    const p = project(base(POOLS, OWN));
    const d = desiredSchedule(context(p), p.schedules[0] as ScheduleDef);
    expect(d.summary.pool).toBe('dbt (size 1)');
    const p2 = project(base(POOLS.replace('dbt: 1', 'dbt: 3'), OWN));
    expect(desiredSchedule(context(p2), p2.schedules[0] as ScheduleDef).fingerprint).not.toBe(d.fingerprint);
  });

  it('a schedule without a pool: its Temporal form is byte for byte the same with or without pools declared', () => {
    const without = JSON.stringify(options(base('')));
    expect(JSON.stringify(options(base(POOLS)))).toBe(without);
    expect(without).not.toContain('pool');
  });

  it('the pool workflow id and the wait text', () => {
    expect(poolWorkflowId('shop', 'dev', 'warehouse')).toBe('meltano-pool:shop:dev:warehouse');
    expect(poolWorkflowId('shop', undefined, 'warehouse')).toBe('meltano-pool:shop:default:warehouse');
    expect(poolWaitText({ pool: 'warehouse', busy: 2, size: 2 })).toBe('waiting for pool warehouse (2/2 busy)');
  });
});
