/**
 * `schedule add|set|remove` never leave an `annotations.temporal.after` graph that `sync` would refuse
 * (src/project/after-graph.ts, the check sync runs): a removal that would leave other schedules naming a
 * schedule that no longer exists is refused, naming them; an edit of a project whose graph is broken (an
 * unknown name, a cycle, itself included) is refused unless it mends it. Each refusal: the file, the entry and
 * the fix, exit code 1, and every file byte for byte as it was. The real CLI on real files; no server.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PLUGINS } from '../conformance/fixtures.js';
import { makeProject } from '../helpers/project.js';
import { ours } from '../helpers/run.js';

const JOBS = `jobs:
- name: el
  tasks:
  - tap-foo target-jsonl
`;

/** A schedule entry; `after` as written in YAML flow style, when given. */
function schedule(name: string, after?: string): string {
  return `- name: ${name}\n  interval: '@daily'\n  job: el\n${after ? `  annotations:\n    temporal:\n      after: ${after}\n` : ''}`;
}

/** shop-el in meltano.yml and crm-el in an included file feed dbt, which feeds report. */
function pipeline(): string {
  return makeProject({
    'meltano.yml': `version: 1\nproject_id: after-edits-test\ninclude_paths: ['./sub/*.yml']\n${PLUGINS}${JOBS}schedules:\n# kept: a comment\n${schedule('shop-el')}${schedule('dbt', '[shop-el, crm-el]')}${schedule('report', '[dbt]')}`,
    'sub/crm.yml': `schedules:\n${schedule('crm-el')}`,
  });
}

/** Every file of the project outside .meltano (Meltano's lock lives there), with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (name === '.meltano') continue;
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** Run the edit; it must be refused with exit code 1 and leave every file as it was. Returns stderr. */
async function refused(dir: string, args: string[]): Promise<string> {
  const before = snapshot(dir);
  const r = await ours(dir, args);
  expect(r.exitCode, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  expect(snapshot(dir)).toEqual(before);
  return r.stderr;
}

const names = async (dir: string): Promise<string[]> => {
  const r = await ours(dir, ['schedule', 'list', '--format=json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { schedules: { job: { name: string }[] } }).schedules.job.map((s) => s.name);
};

describe('schedule remove of a schedule others run after', () => {
  it('is refused, naming the schedule, its file, every dependant and the fix; nothing changes', async () => {
    const dir = pipeline();
    expect(await refused(dir, ['schedule', 'remove', 'shop-el'])).toBe(
      "Error: meltano.yml: schedule 'shop-el': is named in annotations.temporal.after of schedule(s) 'dbt' (meltano.yml)\n" +
        "  fix: first take 'shop-el' out of the after list of dbt (or remove that schedule), then remove it",
    );
    // The upstream in the included file: that file is named.
    expect(await refused(dir, ['schedule', 'remove', 'crm-el'])).toContain(
      "Error: sub/crm.yml: schedule 'crm-el': is named in annotations.temporal.after of schedule(s) 'dbt' (meltano.yml)",
    );
    expect(await refused(dir, ['schedule', 'remove', 'dbt'])).toContain(
      "schedule 'dbt': is named in annotations.temporal.after of schedule(s) 'report' (meltano.yml)",
    );
    expect(await names(dir)).toEqual(['shop-el', 'dbt', 'report', 'crm-el']);
  });

  it('names every dependant when several run after it', async () => {
    const dir = makeProject({
      'meltano.yml': `version: 1\n${PLUGINS}${JOBS}schedules:\n${schedule('base')}${schedule('a', '[base]')}${schedule('b', 'base')}`,
    });
    expect(await refused(dir, ['schedule', 'remove', 'base'])).toBe(
      "Error: meltano.yml: schedule 'base': is named in annotations.temporal.after of schedule(s) 'a' (meltano.yml), 'b' (meltano.yml)\n" +
        "  fix: first take 'base' out of the after list of a, b (or remove those schedules), then remove it",
    );
  });

  it('goes through once nothing runs after it: downstream first, then upstream', async () => {
    const dir = pipeline();
    for (const name of ['report', 'dbt', 'shop-el', 'crm-el']) {
      const r = await ours(dir, ['schedule', 'remove', name]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toBe(`Removed schedule '${name}'`);
    }
    expect(readFileSync(path.join(dir, 'sub', 'crm.yml'), 'utf8')).toBe('schedules: []\n');
    expect(await names(dir)).toEqual([]);
  });

  it('a schedule that runs after itself may be removed: that mends the graph', async () => {
    const dir = makeProject({
      'meltano.yml': `version: 1\n${PLUGINS}${JOBS}schedules:\n${schedule('keep')}${schedule('loop', '[loop]')}`,
    });
    const r = await ours(dir, ['schedule', 'remove', 'loop']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await names(dir)).toEqual(['keep']);
  });
});

describe('an edit of a project whose after graph sync refuses', () => {
  it('a cycle (in an included file): schedule add and set are refused with the cycle and its fix', async () => {
    const dir = makeProject({
      'meltano.yml': `version: 1\ninclude_paths: ['./sub/*.yml']\n${PLUGINS}${JOBS}schedules:\n${schedule('other')}`,
      'sub/loop.yml': `schedules:\n${schedule('a', '[b]')}${schedule('b', '[a]')}`,
    });
    const cycle =
      "Error: sub/loop.yml: schedule 'a' annotations.temporal.after: makes a cycle: a runs after b runs after a. No file was changed.\n" +
      "  fix: remove one of these from an after list: 'b' from a, 'a' from b";
    expect(await refused(dir, ['schedule', 'set', 'other', '--interval', '@hourly'])).toBe(cycle);
    expect(await refused(dir, ['schedule', 'add', 'new', '--job', 'el', '--interval', '@daily'])).toBe(cycle);
    // A removal that leaves the cycle is refused for its dependant first.
    expect(await refused(dir, ['schedule', 'remove', 'a'])).toContain(
      "is named in annotations.temporal.after of schedule(s) 'b'",
    );
  });

  it('a schedule that runs after itself: refused as a cycle of one', async () => {
    const dir = makeProject({
      'meltano.yml': `version: 1\n${PLUGINS}${JOBS}schedules:\n${schedule('self', '[self]')}`,
    });
    expect(await refused(dir, ['schedule', 'set', 'self', '--interval', '@hourly'])).toBe(
      "Error: meltano.yml: schedule 'self' annotations.temporal.after: makes a cycle: self runs after self. No file was changed.\n" +
        "  fix: remove one of these from an after list: 'self' from self",
    );
  });

  it('an unknown upstream: set is refused; adding the missing schedule mends it and goes through', async () => {
    const dir = makeProject({
      'meltano.yml': `version: 1\n${PLUGINS}${JOBS}schedules:\n${schedule('dbt', '[shop-el]')}`,
    });
    expect(await refused(dir, ['schedule', 'set', 'dbt', '--interval', '@hourly'])).toBe(
      "Error: meltano.yml: schedule 'dbt' annotations.temporal.after: names 'shop-el', which is not a schedule of this project. No file was changed.\n" +
        '  fix: name schedules of this project (meltano-temporal schedule list), or remove shop-el',
    );
    expect(await refused(dir, ['schedule', 'add', 'crm-el', '--job', 'el', '--interval', '@daily'])).toContain(
      "names 'shop-el', which is not a schedule of this project",
    );
    const added = await ours(dir, ['schedule', 'add', 'shop-el', '--job', 'el', '--interval', '@daily']);
    expect(added.exitCode, added.stderr).toBe(0);
    const set = await ours(dir, ['schedule', 'set', 'dbt', '--interval', '@hourly']);
    expect(set.exitCode, set.stderr).toBe(0);
    expect(await names(dir)).toEqual(['dbt', 'shop-el']);
  });

  it('an `after` that is not a list of names: refused with the form to write', async () => {
    const dir = makeProject({
      'meltano.yml': `version: 1\n${PLUGINS}${JOBS}schedules:\n${schedule('x')}${schedule('dbt', '[]')}`,
    });
    expect(await refused(dir, ['schedule', 'set', 'x', '--interval', '@hourly'])).toBe(
      "Error: meltano.yml: schedule 'dbt' annotations.temporal.after: must be a list of schedule names, not []. No file was changed.\n" +
        '  fix: write after: [extract-a, extract-b]',
    );
  });

  it('job edits, which cannot change the graph, are not refused for it', async () => {
    const dir = makeProject({
      'meltano.yml': `version: 1\n${PLUGINS}${JOBS}schedules:\n${schedule('dbt', '[missing]')}`,
    });
    const r = await ours(dir, ['job', 'add', 'el2', '--tasks', 'tap-foo target-jsonl']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'meltano.yml'), 'utf8')).toContain('- name: el2');
  });
});
