/**
 * Conformance: `schedule list --format=json` and `job list --format=json`
 * must say what the real `meltano` says about the same project.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { FIXTURES } from './fixtures.js';
import { copyProject, makeProject } from '../helpers/project.js';
import { meltano, ours } from '../helpers/run.js';

/** Remove the named schedules from meltano.yml (for the copy Meltano sees). */
function withoutSchedules(dir: string, names: string[]): string {
  const copy = copyProject(dir);
  const file = path.join(copy, 'meltano.yml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const data = doc.toJS() as { schedules: Array<{ name: string }> };
  const keep = data.schedules.filter((s) => !names.includes(s.name));
  doc.set('schedules', keep);
  writeFileSync(file, doc.toString());
  return copy;
}

describe('schedule list --format=json matches meltano', () => {
  for (const fixture of FIXTURES) {
    it(fixture.name, async () => {
      const dir = makeProject(fixture.files);
      const mine = await ours(dir, ['schedule', 'list', '--format=json']);
      if (fixture.bothFail) {
        const theirs = await meltano(dir, ['schedule', 'list', '--format=json']);
        expect(theirs.exitCode).not.toBe(0);
        expect(mine.exitCode).not.toBe(0);
        expect(mine.stderr).toMatch(/defined in both/u);
        return;
      }
      if (fixture.brokenSchedules) {
        // Meltano refuses the whole list; we report the broken one and list the rest.
        const theirsWhole = await meltano(dir, ['schedule', 'list', '--format=json']);
        expect(theirsWhole.exitCode).toBe(1);
        expect(mine.exitCode).toBe(1);
        for (const name of fixture.brokenSchedules) expect(mine.stderr).toContain(`schedule '${name}'`);
        const theirs = await meltano(withoutSchedules(dir, fixture.brokenSchedules), [
          'schedule',
          'list',
          '--format=json',
        ]);
        expect(theirs.exitCode).toBe(0);
        expect(mine.stdout).toBe(theirs.stdout);
        return;
      }
      const theirs = await meltano(dir, ['schedule', 'list', '--format=json']);
      expect(theirs.exitCode, theirs.stderr).toBe(0);
      expect(mine.stderr).toBe('');
      expect(mine.exitCode).toBe(0);
      // Byte for byte: same keys, order, escaping and indentation.
      expect(mine.stdout).toBe(theirs.stdout);
    });
  }
});

describe('job list --format=json matches meltano', () => {
  for (const fixture of FIXTURES.filter((f) => !f.bothFail)) {
    it(fixture.name, async () => {
      const dir = makeProject(fixture.files);
      const [mine, theirs] = await Promise.all([
        ours(dir, ['job', 'list', '--format=json']),
        meltano(dir, ['job', 'list', '--format=json']),
      ]);
      expect(theirs.exitCode, theirs.stderr).toBe(0);
      expect(mine.exitCode).toBe(0);
      expect(mine.stdout).toBe(theirs.stdout);
    });
  }
});
