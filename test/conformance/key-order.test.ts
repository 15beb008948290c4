/**
 * The entry an edit rewrites gets Meltano's key order, byte for byte: a
 * schedule with both `job` and extractor/loader keys (Meltano treats it as a
 * job schedule and moves the other keys to the front), `annotations` at the
 * index it had, and an entry written in another order.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { copyProject, makeProject } from '../helpers/project.js';
import { meltano, ours } from '../helpers/run.js';

/** Plugins in the order Meltano writes them (it re-serialises the whole file), never installed. */
const PLUGINS = ['extractors', 'loaders']
  .map(
    (type) =>
      `  ${type}:\n${(type === 'extractors' ? ['tap-foo', 'tap-bar'] : ['target-jsonl', 'target-csv'])
        .map((n) => `  - name: ${n}\n    namespace: ${n.replace('-', '_')}\n    pip_url: ${n}\n`)
        .join('')}`,
  )
  .join('');

/** A project of canonical entries plus the one entry under test (Meltano rewrites every entry it writes). */
function project(jobs: string, schedules: string): string {
  return makeProject({
    'meltano.yml': `version: 1
project_id: key-order-test
plugins:
${PLUGINS}jobs:
- name: j1
  tasks: [tap-foo target-jsonl]
${jobs}schedules:
- name: plain
  interval: '@daily'
  job: j1
${schedules}`,
  });
}

const MIXED = `- name: mixed
  interval: '@daily'
  job: j1
  extractor: tap-foo
  loader: target-jsonl
  transform: skip
`;

const MIXED_ANNOTATED = `- name: mixed-annotated
  interval: '@daily'
  annotations:
    temporal: {attempts: 2}
  job: j1
  env: {A: b}
  loader: target-jsonl
`;

function text(dir: string): string {
  return readFileSync(path.join(dir, 'meltano.yml'), 'utf8');
}

const J2 = '- name: j2\n  tasks: [tap-bar target-csv]\n';

describe('an edited entry is written in the key order meltano writes', () => {
  const cases: Array<[string, string, string[]]> = [
    [
      'a schedule with job and extractor/loader keys: schedule set --interval',
      MIXED,
      ['schedule', 'set', 'mixed', '--interval', '@hourly'],
    ],
    ['the same schedule: schedule set --job', MIXED, ['schedule', 'set', 'mixed', '--job', 'j2']],
    [
      'with annotations and env: schedule set --interval',
      MIXED_ANNOTATED,
      ['schedule', 'set', 'mixed-annotated', '--interval', '0 5 * * *'],
    ],
  ];
  for (const [label, entry, args] of cases) {
    it(`${label}: byte for byte as meltano`, async () => {
      const dir = project(J2, entry);
      const theirs = copyProject(dir);
      const before = text(dir);
      const m = await meltano(theirs, args);
      const r = await ours(dir, args);
      expect(m.exitCode, m.stderr).toBe(0);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(text(dir)).not.toBe(before);
      expect(text(dir)).toBe(text(theirs));
    });
  }

  it('a job written tasks first: job set --tasks, byte for byte as meltano', async () => {
    const dir = project('- tasks: [tap-bar target-csv]\n  name: j2\n', '');
    const theirs = copyProject(dir);
    const args = ['job', 'set', 'j2', '--tasks', '[tap-foo target-csv, tap-bar target-jsonl]'];
    const m = await meltano(theirs, args);
    const r = await ours(dir, args);
    expect(m.exitCode, m.stderr).toBe(0);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(text(dir)).toBe(text(theirs));
  });

  it('the mixed schedule is listed as a job schedule by both', async () => {
    const dir = project('', MIXED);
    const m = await meltano(dir, ['schedule', 'list', '--format=json']);
    const r = await ours(dir, ['schedule', 'list', '--format=json']);
    expect(m.exitCode, m.stderr).toBe(0);
    expect(r.exitCode, r.stderr).toBe(0);
    type Listing = { schedules: { job: { name: string }[]; elt: { name: string }[] } };
    const theirs = (JSON.parse(m.stdout) as Listing).schedules;
    const mine = (JSON.parse(r.stdout) as Listing).schedules;
    expect(theirs.job.map((s) => s.name)).toEqual(['plain', 'mixed']);
    expect(mine.job.map((s) => s.name)).toEqual(['plain', 'mixed']);
    expect(mine.elt).toEqual([]);
  });
});
