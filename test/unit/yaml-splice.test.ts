/** Edits keep every untouched byte: comments, quoting, blank lines, key order. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { editYamlText } from '../../src/project/yaml-splice.js';

const TEXT = `# Project header comment
version: 1
default_environment: dev   # stays
jobs:
- name: first   # trailing comment
  tasks:
  - "tap-a target-b"

# a comment before the second job
- name: second
  tasks: ['tap-c target-d']
schedules:
  - name: s1
    interval: "@daily"
    env:
      KEY: 'value with spaces'
    job: first
  - name: s2
    interval: '0 */6 * * *'
    job: second
plugins: {}
`;

describe('editYamlText', () => {
  it("appends a job after the last one, in the file's own style, leaving the rest intact", () => {
    const out = editYamlText(TEXT, { op: 'append', key: 'jobs', entry: { name: 'third', tasks: ['tap-e target-f'] } });
    expect(out).toBe(
      TEXT.replace(
        "  tasks: ['tap-c target-d']\n",
        "  tasks: ['tap-c target-d']\n- name: third\n  tasks:\n  - tap-e target-f\n",
      ),
    );
  });

  it('appends to an indented sequence with its indentation', () => {
    const out = editYamlText(TEXT, {
      op: 'append',
      key: 'schedules',
      entry: { name: 's3', interval: '@hourly', job: 'first' },
    });
    expect(out).toBe(
      TEXT.replace('    job: second\n', "    job: second\n  - name: s3\n    interval: '@hourly'\n    job: first\n"),
    );
  });

  it('changes one value and nothing else', () => {
    const out = editYamlText(TEXT, { op: 'set', key: 'schedules', index: 0, changes: { interval: '@hourly' } });
    expect(out).toBe(TEXT.replace('    interval: "@daily"\n', "    interval: '@hourly'\n"));
  });

  it("adds a missing key in Meltano's key order", () => {
    const out = editYamlText(TEXT, { op: 'set', key: 'schedules', index: 1, changes: { env: { A: 'b' } } });
    expect(out).toBe(
      TEXT.replace("    interval: '0 */6 * * *'\n", "    interval: '0 */6 * * *'\n    env:\n      A: b\n"),
    );
  });

  it('removes one entry and keeps the comment that belongs to the next', () => {
    const out = editYamlText(TEXT, { op: 'remove', key: 'jobs', index: 0 });
    expect(out).toBe(TEXT.replace('- name: first   # trailing comment\n  tasks:\n  - "tap-a target-b"\n', ''));
  });

  it('removing the last entry leaves an empty list', () => {
    const one = 'jobs:\n- name: only\n  tasks: [x]\nother: 1\n';
    const out = editYamlText(one, { op: 'remove', key: 'jobs', index: 0 });
    expect(parse(out)).toEqual({ jobs: [], other: 1 });
  });

  it('adds the key when the file has none', () => {
    const out = editYamlText('default_environment: dev\n', {
      op: 'append',
      key: 'schedules',
      entry: { name: 's', interval: '@daily', job: 'j' },
    });
    expect(out).toBe("default_environment: dev\nschedules:\n- name: s\n  interval: '@daily'\n  job: j\n");
  });

  it('falls back to re-serialising flow-style entries, still with the right data', () => {
    const flow = 'jobs: [{name: a, tasks: [x]}]  # flow\n';
    const out = editYamlText(flow, { op: 'set', key: 'jobs', index: 0, changes: { tasks: ['y z'] } });
    expect(parse(out)).toEqual({ jobs: [{ name: 'a', tasks: ['y z'] }] });
    expect(out).toContain('# flow');
  });

  it('adds a top-level key as the last line, as Meltano adds project_id; the rest stays byte for byte', () => {
    const id = '01a213cb-a4a7-752e-b39a-ca92c882bb3d';
    expect(editYamlText(TEXT, { op: 'addTop', key: 'project_id', value: id })).toBe(`${TEXT}project_id: ${id}\n`);
    expect(editYamlText('version: 1', { op: 'addTop', key: 'project_id', value: id })).toBe(
      `version: 1\nproject_id: ${id}\n`,
    );
    // A value YAML would read as something else is quoted.
    expect(parse(editYamlText(TEXT, { op: 'addTop', key: 'project_id', value: '123' })).project_id).toBe('123');
  });
});

describe("the edited entry in Meltano's key order", () => {
  const MIXED = `schedules:
- name: s   # the name
  interval: '@daily'
  annotations:
    x: 1
  job: j
  env: {A: b}
  extractor: tap-a
  loader: target-b
- name: other
  job: j
  interval: '@daily'
`;
  it('moves keys Meltano does not know for a job schedule first, annotations back to its index (as meltano 4.4.1 writes it), comments along', () => {
    expect(editYamlText(MIXED, { op: 'set', key: 'schedules', index: 0, changes: { interval: '@hourly' } })).toBe(
      `schedules:
- extractor: tap-a
  loader: target-b
  annotations:
    x: 1
  name: s   # the name
  interval: '@hourly'
  env: {A: b}
  job: j
- name: other
  job: j
  interval: '@daily'
`,
    );
  });
  it('leaves an entry already in that order as it was, and never reorders another entry', () => {
    const text = editYamlText(MIXED, { op: 'set', key: 'schedules', index: 1, changes: { interval: '@weekly' } });
    expect(text.split('- name: other')[0]).toBe(MIXED.split('- name: other')[0]);
    expect(text.endsWith(`- name: other\n  interval: '@weekly'\n  job: j\n`)).toBe(true);
    const canonical = `jobs:\n- name: a\n  tasks: [x]\n`;
    expect(editYamlText(canonical, { op: 'set', key: 'jobs', index: 0, changes: { tasks: ['y'] } })).toBe(
      `jobs:\n- name: a\n  tasks:\n  - y\n`,
    );
  });
});
