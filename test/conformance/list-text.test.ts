/**
 * Conformance of the text listings: `schedule list` and `job list` without
 * `--format` must print what the real `meltano` prints for the same project
 * (the JSON forms are compared in schedule-list.test.ts).
 */
import { describe, it } from 'vitest';
import { FIXTURES } from './fixtures.js';
import { makeProject } from '../helpers/project.js';
import { meltano, ours } from '../helpers/run.js';

const LISTABLE = FIXTURES.filter((f) => !f.bothFail && !f.brokenSchedules);

// Concurrent: each case is two short processes; one after the other they take minutes.
describe.concurrent('schedule list and job list (text) match meltano', () => {
  for (const fixture of LISTABLE) {
    for (const command of ['schedule', 'job'] as const) {
      it(`${command} list: ${fixture.name}`, async ({ expect }) => {
        const dir = makeProject(fixture.files);
        const [mine, theirs] = await Promise.all([ours(dir, [command, 'list']), meltano(dir, [command, 'list'])]);
        expect(theirs.exitCode, theirs.stderr).toBe(0);
        expect(mine.stderr).toBe('');
        expect(mine.exitCode).toBe(0);
        expect(mine.stdout).toBe(theirs.stdout);
      });
    }
  }
});
