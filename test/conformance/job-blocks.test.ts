/**
 * Conformance of task checks: `job add NAME --tasks ...` must accept what the
 * real `meltano job add` accepts and refuse the rest with Meltano's own words
 * (its `Job 'x' has invalid tasks. ...` line), block for block.
 */
import { describe, it } from 'vitest';
import { PLUGINS } from './fixtures.js';
import { makeProject } from '../helpers/project.js';
import { meltano, ours, type Result } from '../helpers/run.js';

const PROJECT = `default_environment: dev
environments:
- name: dev
${PLUGINS}jobs:
- name: el
  tasks:
  - tap-foo target-jsonl
- name: wraps-el
  tasks:
  - el
- name: dbt-postgres-job
  tasks:
  - dbt-postgres:run
- name: target-csv
  tasks:
  - tap-bar target-csv
- name: uses-target-csv
  tasks:
  - tap-foo target-csv
`;

/** --tasks values: each one accepted or refused by both tools, with the same message. */
const CORPUS = [
  'tap-foo target-jsonl',
  'tap-foo hash-emails target-jsonl',
  'tap-foo hash-emails hash-emails target-jsonl dbt-postgres:run',
  'tap-foo meltano-map-transformer target-jsonl',
  'tap-foo hash-emails meltano-map-transformer target-jsonl',
  'tap-foo target-jsonl tap-bar hash-emails target-csv',
  'tap-foo target-jsonl tap-bar meltano-map-transformer target-csv',
  'dbt-postgres',
  'dbt-postgres:nope',
  'dbt-postgres:run:extra',
  'tap-nope target-jsonl',
  'tap-foo',
  'tap-foo hash-emails',
  'tap-foo dbt-postgres:run',
  'target-jsonl',
  'hash-emails',
  'dbt-postgres:run target-jsonl',
  'el dbt-postgres:run',
  'el target-jsonl',
  'tap-foo el',
  'wraps-el',
  'dbt-postgres-job target-jsonl',
  'uses-target-csv',
  '["tap-foo target-jsonl", "target-jsonl"]',
  '[[tap-bar, hash-emails, target-csv], [tap-foo]]',
];

/** The one-line outcome: `added`, or the invalid-tasks message without its job name (exit code 1). */
function outcomeOf(r: Result): string {
  if (r.exitCode === 0 && /^Added job j: /mu.test(r.stdout)) return 'added';
  const line = /Job 'j' has invalid tasks\. (.+)$/mu.exec(r.stderr);
  return line && r.exitCode === 1 ? (line[1] ?? '') : `exit ${r.exitCode}: ${r.stdout}${r.stderr}`;
}

// Concurrent: each case is two short processes; one after the other they take minutes.
describe.concurrent('job add --tasks: the same blocks accepted and refused as meltano', () => {
  for (const tasks of CORPUS) {
    it(tasks, async ({ expect }) => {
      const [mine, theirs] = await Promise.all([
        ours(makeProject({ 'meltano.yml': PROJECT }), ['job', 'add', 'j', '--tasks', tasks]),
        meltano(makeProject({ 'meltano.yml': PROJECT }), ['job', 'add', 'j', '--tasks', tasks]),
      ]);
      const theirOutcome = outcomeOf(theirs);
      expect(theirOutcome).not.toMatch(/^exit /u);
      expect(outcomeOf(mine)).toBe(theirOutcome);
    });
  }
});
