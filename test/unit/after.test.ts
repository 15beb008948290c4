/**
 * `annotations.temporal.after` in meltano.yml (src/project/after-graph.ts, src/temporal/after.ts): the names it
 * lists, the refusals (not a list, an unknown name, a cycle, however long), the schedules a removal would strand,
 * and what each upstream's input learns.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { buildProject } from '../../src/project/build.js';
import { parseProjectFile } from '../../src/project/files.js';
import { ProjectFileError } from '../../src/errors.js';
import { checkAfterGraph, dependantsOf, upstreamsOf } from '../../src/project/after-graph.js';
import { downstreamsOf } from '../../src/temporal/after.js';
import { desiredSchedule } from '../../src/temporal/schedule-mapping.js';
import type { Project, ScheduleDef } from '../../src/project/model.js';
import { afterWorkflowId } from '../../workflows/after-types.js';

const ROOT = '/srv/elt/shop';

/** Schedules by name with their `after` (undefined: none). */
function project(after: Record<string, unknown>): Project {
  const schedules = Object.entries(after)
    .map(
      ([name, a]) =>
        `- name: ${name}\n  interval: '@daily'\n  job: el\n${a === undefined ? '' : `  annotations:\n    temporal:\n      after: ${JSON.stringify(a)}\n`}`,
    )
    .join('');
  const text = `plugins:\n  extractors:\n  - name: tap-foo\n  loaders:\n  - name: target-jsonl\njobs:\n- name: el\n  tasks: ['tap-foo target-jsonl']\nschedules:\n${schedules}`;
  const p = buildProject(ROOT, [parseProjectFile(path.join(ROOT, 'meltano.yml'), ROOT, text)]);
  expect(p.problems).toEqual([]);
  return p;
}

function refusal(after: Record<string, unknown>): string {
  try {
    checkAfterGraph(project(after));
  } catch (err) {
    expect(err).toBeInstanceOf(ProjectFileError);
    return (err as ProjectFileError).describe();
  }
  throw new Error('not refused');
}

describe('after', () => {
  it('lists the upstreams as written, once each; a single name is a list of one', () => {
    const p = project({ a: undefined, b: undefined, dbt: ['a', 'b', 'a'], one: 'a' });
    expect(upstreamsOf(p.schedules[2] as ScheduleDef)).toEqual(['a', 'b']);
    expect(upstreamsOf(p.schedules[3] as ScheduleDef)).toEqual(['a']);
    expect(upstreamsOf(p.schedules[0] as ScheduleDef)).toEqual([]);
    expect(() => checkAfterGraph(p)).not.toThrow();
  });

  it('refuses what is not a list of names, and names that are not schedules of the project', () => {
    expect(refusal({ a: undefined, dbt: [] })).toMatch(
      /meltano\.yml: schedule 'dbt' annotations\.temporal\.after: must be a list of schedule names, not \[\][\s\S]*after: \[extract-a, extract-b\]/u,
    );
    expect(refusal({ a: undefined, dbt: ['a', 'x', 'y'] })).toMatch(
      /schedule 'dbt' annotations\.temporal\.after: names 'x', 'y', which are not schedules of this project[\s\S]*remove x, y/u,
    );
  });

  it('refuses a cycle of any length, itself included, naming its schedules and the fix', () => {
    expect(refusal({ a: ['a'] })).toMatch(/schedule 'a' annotations\.temporal\.after: makes a cycle: a runs after a/u);
    expect(refusal({ a: ['c'], b: ['a'], c: ['b'], d: ['c'] })).toMatch(
      /makes a cycle: a runs after c runs after b runs after a[\s\S]*remove one of these from an after list: 'c' from a, 'b' from c, 'a' from b/u,
    );
  });

  it('the dependants of a schedule are the others that name it, not itself', () => {
    const p = project({ a: undefined, b: ['a'], self: ['self', 'a'], dbt: ['b', 'a'] });
    expect(dependantsOf(p, 'a').map((s) => s.name)).toEqual(['b', 'self', 'dbt']);
    expect(dependantsOf(p, 'self')).toEqual([]);
    expect(dependantsOf(p, 'dbt')).toEqual([]);
  });

  it("each upstream's input names the downstreams it releases, with all their upstreams; others stay as they were", () => {
    const p = project({ a: undefined, b: undefined, dbt: ['a', 'b'], report: ['dbt'] });
    expect(downstreamsOf(p, 'a')).toEqual([{ schedule: 'dbt', upstreams: ['a', 'b'] }]);
    const ctx = { project: p, projectKey: 'shop', owner: 'dir:shop', legacyProjectKey: 'shop', environment: 'dev' };
    const [a, , dbt, report] = p.schedules.map((s) => desiredSchedule(ctx, s));
    expect(a?.input.downstreams).toEqual([{ schedule: 'dbt', upstreams: ['a', 'b'] }]);
    expect(dbt?.input.downstreams).toEqual([{ schedule: 'report', upstreams: ['dbt'] }]);
    expect(dbt?.summary.after).toBe('a, b');
    expect(report?.input).toEqual({ project: 'shop', schedule: 'report', environment: 'dev' });
    expect(afterWorkflowId('shop', undefined, 'dbt')).toBe('meltano-after:shop:default:dbt');
  });
});
