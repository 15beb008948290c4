/**
 * Temp files left by an edit that was killed (SIGKILL between writing the
 * temp file and renaming it) are removed by the next edit, which holds
 * Meltano's lock, so no live edit can own them. Only files of our own naming,
 * next to a project file and named after it, are touched.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../conformance/fixtures.js';
import { makeProject, snapshotYaml } from '../helpers/project.js';
import { ours } from '../helpers/run.js';
import { tempFileName } from '../../src/project/temp-files.js';

const files = FIXTURES.find((f) => f.name === 'include-paths')?.files ?? {};

const STALE = [
  '.meltano.yml.0123456789ab.tmp',
  '.subconfig_a.yml.0123456789ab.tmp',
  '.meltano.yml.0123456789ab.tmp.yml',
  '.subconfig_a.yml.abcdef012345.tmp.yml',
  'more/deep/.b.yml.00ff00ff00ff.tmp.yml',
];
const NOT_OURS = [
  'tmpk2j3h4g5.tmp.yml', // Meltano's own temp file naming
  '.meltano.yml.NOTHEX012345.tmp.yml',
  '.meltano.yml.0123456789.tmp.yml', // 10 digits, not 12
  '.notes.yml.0123456789ab.tmp.yml', // named after a file that is not part of the project
  'more/.b.yml.0123456789ab.tmp', // not next to b.yml
  'meltano.yml.0123456789ab.tmp.yml', // not hidden
];

function plant(dir: string, names: readonly string[]): void {
  for (const name of names) writeFileSync(path.join(dir, name), 'half-written: [\n');
}

describe('a write', () => {
  it('leaves no temp file behind, and its temp file name never matches a *.yml include glob', async () => {
    const dir = makeProject(files);
    const r = await ours(dir, ['schedule', 'set', 'b-schedule', '--interval', '@daily']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'more/deep'))).toEqual(['b.yml']);
    expect(tempFileName('b.yml')).toMatch(/^\.b\.yml\.[0-9a-f]{12}\.tmp$/u);
  });
});

describe('stale temp files of a killed edit', () => {
  it('are removed by the next edit; nobody else’s files are touched', async () => {
    const dir = makeProject(files);
    plant(dir, [...STALE, ...NOT_OURS]);
    const r = await ours(dir, ['schedule', 'set', 'b-schedule', '--interval', '@daily']);
    expect(r.exitCode, r.stderr).toBe(0);
    for (const name of STALE) expect(existsSync(path.join(dir, name)), name).toBe(false);
    for (const name of NOT_OURS) expect(readFileSync(path.join(dir, name), 'utf8'), name).toBe('half-written: [\n');
    expect(readFileSync(path.join(dir, 'more/deep/b.yml'), 'utf8')).toContain("interval: '@daily'");
    expect(readdirSync(path.join(dir, 'more/deep')).sort()).toEqual(['b.yml']);
  });

  it('are removed by a refused edit too, which changes nothing else', async () => {
    const dir = makeProject(files);
    const before = snapshotYaml(dir);
    plant(dir, STALE);
    const r = await ours(dir, ['schedule', 'set', 'no-such-schedule', '--interval', '@daily']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("Schedule 'no-such-schedule' was not found.");
    for (const name of STALE) expect(existsSync(path.join(dir, name)), name).toBe(false);
    expect(snapshotYaml(dir)).toEqual(before);
  });

  it('are left alone when the project is read-only', async () => {
    const dir = makeProject(files);
    plant(dir, STALE);
    const r = await ours(dir, ['schedule', 'set', 'a-schedule', '--interval', '@daily'], {
      MELTANO_PROJECT_READONLY: 'true',
    });
    expect(r.exitCode).toBe(1);
    for (const name of STALE) expect(existsSync(path.join(dir, name)), name).toBe(true);
  });
});
