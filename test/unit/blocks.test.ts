/**
 * The task check of `job add`/`job set`: each case's expected message is what
 * meltano 4.4.1 says for the same tasks (test/conformance/job-blocks.test.ts
 * runs the real `meltano` on these rules).
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { blocksProblem } from '../../src/project/blocks.js';
import { buildProject } from '../../src/project/build.js';
import { parseProjectFile } from '../../src/project/files.js';
import type { TasksValue } from '../../src/project/tasks.js';

const ROOT = '/srv/elt/shop';
const PROJECT = buildProject(ROOT, [
  parseProjectFile(
    path.join(ROOT, 'meltano.yml'),
    ROOT,
    `plugins:
  extractors:
  - name: tap-foo
  - name: tap-bar
  loaders:
  - name: target-jsonl
  - name: target-csv
  mappers:
  - name: meltano-map-transformer
    mappings:
    - name: hash-emails
    - name: drop-nulls
  utilities:
  - name: dbt-postgres
    commands:
      run: run
  - name: sqlfluff
  transformers:
  - name: dbt
jobs:
- name: el
  tasks: [tap-foo target-jsonl]
- name: wraps-el
  tasks: [el]
- name: dbt
  tasks: [tap-bar target-csv]
- name: uses-dbt
  tasks: [dbt]
- name: runs-dbt
  tasks: ['dbt-postgres:run']
`,
  ),
]);

const SET = 'block violates set requirements: ';
const check = (tasks: TasksValue): string | null => blocksProblem(PROJECT, tasks);

describe('blocksProblem', () => {
  it('accepts extract-load sets with mappings, command blocks, jobs as blocks and several tasks', () => {
    for (const tasks of [
      'tap-foo target-jsonl',
      ['tap-foo hash-emails drop-nulls target-jsonl dbt-postgres:run'],
      ['tap-foo target-jsonl tap-bar hash-emails target-csv'],
      ['dbt-postgres', 'dbt-postgres:nope', 'sqlfluff', 'dbt-postgres:'],
      ['el', 'el dbt-postgres:run', 'runs-dbt', 'tap-foo   target-jsonl'],
      [['tap-bar', 'hash-emails', 'target-csv'], ['dbt-postgres:run']],
      [],
    ] satisfies TasksValue[]) {
      expect(check(tasks), JSON.stringify(tasks)).toBeNull();
    }
  });

  it('names a block that is neither a plugin, a mapping nor a job', () => {
    expect(check('tap-nope target-jsonl')).toBe('Block tap-nope not found');
    expect(check(['tap-foo target-jsonl', 'dbt-postgres:run:extra'])).toBe('Block dbt-postgres:run:extra not found');
    expect(check('wraps-el')).toBe('Block el not found');
  });

  it('wants a loader after an extractor and its mappers', () => {
    expect(check('tap-foo')).toBe(`${SET}Loader missing in block set!`);
    expect(check('tap-foo hash-emails drop-nulls')).toBe(`${SET}Loader missing in block set!`);
    expect(check('tap-foo target-jsonl tap-bar')).toBe(`${SET}Loader missing in block set!`);
  });

  it('refuses a block that cannot follow, naming the first block of the set and its position', () => {
    expect(check('tap-foo dbt-postgres:run')).toBe(
      `${SET}Unknown command type or bad block sequence at index 1, starting block 'tap-foo'`,
    );
    expect(check('tap-foo target-jsonl tap-bar tap-foo target-csv')).toBe(
      `${SET}Unknown command type or bad block sequence at index 3, starting block 'tap-bar'`,
    );
    expect(check('target-jsonl')).toBe(
      `${SET}Unknown command type or bad block sequence at index 1, starting block 'target-jsonl'`,
    );
    // A mapping is named by its mapper; the position counts expanded job blocks.
    expect(check('dbt-postgres:run hash-emails')).toBe(
      `${SET}Unknown command type or bad block sequence at index 2, starting block 'meltano-map-transformer'`,
    );
    expect(check('el target-jsonl')).toBe(
      `${SET}Unknown command type or bad block sequence at index 3, starting block 'target-jsonl'`,
    );
    expect(check(['tap-foo target-jsonl', 'target-csv'])).toBe(
      `${SET}Unknown command type or bad block sequence at index 1, starting block 'target-csv'`,
    );
  });

  it('refuses a mapper named where one of its mappings belongs', () => {
    expect(check('tap-foo meltano-map-transformer target-jsonl')).toBe(
      `${SET}Expected unique mappings name not the mapper plugin name: meltano-map-transformer.`,
    );
    // Meltano compares with the block at the same position counted from the set's start.
    expect(check('tap-foo target-jsonl tap-bar meltano-map-transformer target-csv')).toBeNull();
  });

  it('a name that is a job and a plugin is the job when written, and ambiguous inside another job', () => {
    expect(check('dbt')).toBeNull();
    expect(check('dbt target-jsonl')).toBe(
      `${SET}Unknown command type or bad block sequence at index 3, starting block 'target-jsonl'`,
    );
    expect(check('uses-dbt')).toBe("Ambiguous reference to 'dbt' which matches a job name AND a plugin name.");
  });
});
