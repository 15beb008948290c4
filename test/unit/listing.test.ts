/**
 * The listing helpers: Python's json.dumps/repr/str as Meltano prints them
 * (test/conformance/python-format.test.ts checks them against the real
 * Python), and the cases the conformance suite
 * cannot show because Meltano refuses the project (a schedule without
 * interval, a missing job).
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import {
  jobJson,
  jobTextLine,
  missingJobMessage,
  pyStr,
  scheduleListJson,
  scheduleTextLine,
  type MissingJob,
} from '../../src/project/listing.js';
import { eltArgs } from '../../src/project/resolve.js';
import { pyRepr, pythonJson } from '../../src/project/python-format.js';
import { buildProject } from '../../src/project/build.js';
import { parseProjectFile } from '../../src/project/files.js';
import type { EltSchedule, JobDef, JobSchedule, Project } from '../../src/project/model.js';

const ROOT = '/srv/elt/shop';

function project(files: Record<string, string>): Project {
  return buildProject(
    ROOT,
    Object.entries(files).map(([name, text]) => parseProjectFile(path.join(ROOT, name), ROOT, text)),
  );
}

describe('pythonJson', () => {
  it('escapes everything outside printable ASCII, astral characters as surrogate pairs', () => {
    expect(pythonJson({ a: 'é😀\u007f' })).toBe('{\n  "a": "\\u00e9\\ud83d\\ude00\\u007f"\n}');
    expect(pythonJson({ a: [], b: {} })).toBe('{\n  "a": [],\n  "b": {}\n}');
  });
});

describe('pyRepr and pyStr', () => {
  it('quotes and escapes as Python does', () => {
    expect(pyRepr("it's")).toBe(`"it's"`);
    expect(pyRepr(`it's "x"`)).toBe(`'it\\'s "x"'`);
    expect(pyRepr('a\u00a0b\u200bc\u{1d173}')).toBe("'a\\xa0b\\u200bc\\U0001d173'");
    expect(pyRepr('é日😀')).toBe("'é日😀'");
    expect(pyRepr(undefined)).toBe('None');
    expect(pyRepr(['a', ['b']])).toBe("['a', ['b']]");
  });

  it("pyStr is Python's str(): a string unquoted, anything else its repr", () => {
    expect(pyStr("tap-foo target-jsonl it's")).toBe("tap-foo target-jsonl it's");
    expect(pyStr(['tap-foo target-jsonl'])).toBe("['tap-foo target-jsonl']");
    expect(pyStr(null)).toBe('None');
  });
});

const PLUGINS = `plugins:
  extractors:
  - name: tap-foo
  loaders:
  - name: target-jsonl
`;

describe('scheduleListJson', () => {
  const p = project({
    'meltano.yml': `${PLUGINS}include_paths: [./more.yml]
jobs:
- name: j
  tasks: [tap-foo target-jsonl]
schedules:
- name: first
  interval: '@HOURLY'
  job: j
  env: {N: 1, B: true, S: 'x'}
- name: orphan
  interval: '@daily'
  job: nope
- name: no-interval
  job: j
- name: elt-s
  interval: '@manual'
  extractor: tap-foo
  loader: target-jsonl
  transform: skip
`,
    'more.yml': `schedules:
- name: orphan-too
  interval: '@weekly'
  job: gone
- name: last
  interval: '5 4 * * *'
  job: j
`,
  });

  it('lists every schedule whose job exists, in file order, and collects the others as missing', () => {
    const { json, missing } = scheduleListJson(p);
    expect(json.schedules.job.map((s) => s.name)).toEqual(['first', 'no-interval', 'last']);
    expect(missing.map((m) => [m.schedule.name, m.schedule.job, m.schedule.file])).toEqual([
      ['orphan', 'nope', 'meltano.yml'],
      ['orphan-too', 'gone', 'more.yml'],
    ]);
  });

  it('keeps env values as written, looks presets up case-sensitively and says null for no interval', () => {
    const { json } = scheduleListJson(p);
    expect(json.schedules.job[0]).toEqual({
      name: 'first',
      interval: '@HOURLY',
      cron_interval: '@HOURLY',
      env: { N: 1, B: true, S: 'x' },
      job: { name: 'j', tasks: ['tap-foo target-jsonl'] },
    });
    expect(json.schedules.job[1]).toMatchObject({ name: 'no-interval', interval: null, cron_interval: null });
    expect(json.schedules.job[2]).toMatchObject({ interval: '5 4 * * *', cron_interval: '5 4 * * *' });
  });

  it("gives elt schedules Meltano's keys in Meltano's order, with elt_args and no last run", () => {
    const { json } = scheduleListJson(p);
    expect(json.schedules.elt).toHaveLength(1);
    const elt = json.schedules.elt[0];
    expect(Object.keys(elt ?? {})).toEqual([
      'name',
      'extractor',
      'loader',
      'transform',
      'interval',
      'env',
      'cron_interval',
      'last_successful_run_ended_at',
      'elt_args',
    ]);
    expect(elt).toEqual({
      name: 'elt-s',
      extractor: 'tap-foo',
      loader: 'target-jsonl',
      transform: 'skip',
      interval: '@manual',
      env: {},
      cron_interval: null,
      last_successful_run_ended_at: null,
      elt_args: ['tap-foo', 'target-jsonl', '--transform=skip', '--state-id=elt-s'],
    });
  });
});

describe('text lines', () => {
  const job = (tasks: JobDef['tasks']): JobDef => ({ name: 'j', tasks, file: 'meltano.yml', index: 0 });
  const jobSchedule = (interval: string | null): JobSchedule => ({
    kind: 'job',
    name: 's',
    interval,
    job: 'j',
    env: {},
    file: 'meltano.yml',
    index: 0,
  });
  const elt = (transform: EltSchedule['transform']): EltSchedule => ({
    kind: 'elt',
    name: 'e',
    interval: '@daily',
    extractor: 'tap-foo',
    loader: 'target-jsonl',
    transform,
    env: {},
    file: 'meltano.yml',
    index: 0,
  });

  // Expected lines as meltano 4.4.1 prints them for the same entries.
  it('schedule lines: job tasks as str(), None for no interval, the three elt transform markers', () => {
    expect(scheduleTextLine(jobSchedule('@daily'), job(['tap-foo target-jsonl', ['a', "it's"]]))).toBe(
      `[@daily] job s: j → ['tap-foo target-jsonl', ['a', "it's"]]`,
    );
    expect(scheduleTextLine(jobSchedule('@none'), job('tap-foo target-jsonl'))).toBe(
      '[@none] job s: j → tap-foo target-jsonl',
    );
    expect(scheduleTextLine(jobSchedule(null), job(['x']))).toBe("[None] job s: j → ['x']");
    expect(scheduleTextLine(elt('run'), undefined)).toBe('[@daily] elt e: tap-foo → target-jsonl → transforms');
    expect(scheduleTextLine(elt('only'), undefined)).toBe('[@daily] elt e: tap-foo × target-jsonl → transforms');
    expect(scheduleTextLine(elt('skip'), undefined)).toBe('[@daily] elt e: tap-foo → target-jsonl x transforms');
  });

  it('job lines and job JSON', () => {
    expect(jobTextLine(job('tap-foo target-jsonl'))).toBe('j: tap-foo target-jsonl');
    expect(jobTextLine(job([['tap-foo', 'target-jsonl'], 'dbt:run']))).toBe(
      "j: [['tap-foo', 'target-jsonl'], 'dbt:run']",
    );
    expect(jobJson(job(['a b']))).toEqual({ job_name: 'j', tasks: ['a b'] });
  });

  it('elt args and the missing-job message name the file, the schedule, the job and both fixes', () => {
    expect(eltArgs(elt('only'))).toEqual(['tap-foo', 'target-jsonl', '--transform=only', '--state-id=e']);
    const m: MissingJob = { schedule: { ...jobSchedule('@daily'), job: 'gone', file: 'sub/more.yml' } };
    expect(missingJobMessage(m)).toBe(
      "sub/more.yml: schedule 's': Job 'gone' was not found. The schedule is left out; add the job (meltano-temporal job add gone --tasks ...) or point the schedule at an existing one (meltano-temporal schedule set s --job NAME).",
    );
  });
});
