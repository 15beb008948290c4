/**
 * Finding the project: outside a project we exit as `meltano` does (2), and
 * a path to meltano.yml itself is understood or explained, never reported as
 * "there is no meltano.yml".
 */
import { describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES } from '../conformance/fixtures.js';
import { makeProject, tempDir } from '../helpers/project.js';
import { meltano, ours } from '../helpers/run.js';

const basic = FIXTURES.find((f) => f.name === 'basic')?.files ?? {};

describe('outside a Meltano project', () => {
  for (const args of [
    ['schedule', 'list'],
    ['job', 'list', '--format=json'],
    ['schedule', 'add', 's', '--job', 'j', '--interval', '@daily'],
  ]) {
    it(`${args.join(' ')} exits 2, as meltano does`, async () => {
      const empty = tempDir('mt-empty-');
      const [mine, theirs] = await Promise.all([ours(empty, args), meltano(empty, args)]);
      expect(theirs.exitCode).toBe(2);
      expect(mine.exitCode).toBe(2);
      expect(mine.stderr).toContain(`Cannot find a Meltano project in ${empty} or its parents`);
    });
  }

  it('MELTANO_PROJECT_ROOT naming a directory without meltano.yml exits 2, as meltano does', async () => {
    const empty = tempDir('mt-empty-');
    const env = { MELTANO_PROJECT_ROOT: empty };
    const [mine, theirs] = await Promise.all([
      ours(os.tmpdir(), ['schedule', 'list'], env),
      meltano(os.tmpdir(), ['schedule', 'list'], env),
    ]);
    expect(theirs.exitCode).toBe(2);
    expect(mine.exitCode).toBe(2);
    expect(mine.stderr).toContain(`there is no meltano.yml in ${empty}`);
    expect(mine.stderr).toContain('fix: set MELTANO_PROJECT_ROOT');
  });
});

describe('a path to the file instead of the directory', () => {
  it('--project path/to/meltano.yml is the project in path/to', async () => {
    const dir = makeProject(basic);
    const elsewhere = tempDir('mt-cwd-');
    const viaFile = await ours(elsewhere, ['--project', path.join(dir, 'meltano.yml'), 'schedule', 'list']);
    const viaDir = await ours(elsewhere, ['--project', dir, 'schedule', 'list']);
    expect(viaDir.exitCode).toBe(0);
    expect(viaFile.stderr).toBe('');
    expect(viaFile.exitCode).toBe(0);
    expect(viaFile.stdout).toBe(viaDir.stdout);
    expect(viaFile.stdout).toContain('daily-foo');
  });

  it('--project naming some other file says it is a file and what to pass', async () => {
    const dir = makeProject({ ...basic, 'other.yml': 'jobs: []\n' });
    const mine = await ours(dir, ['--project', path.join(dir, 'other.yml'), 'schedule', 'list']);
    expect(mine.exitCode).toBe(2);
    expect(mine.stderr).toContain(`${path.join(dir, 'other.yml')} is a file, not a project directory`);
    expect(mine.stderr).toContain(`fix: pass --project ${dir}`);
  });

  it('MELTANO_PROJECT_ROOT naming meltano.yml is refused as meltano refuses it, saying why', async () => {
    const dir = makeProject(basic);
    const env = { MELTANO_PROJECT_ROOT: path.join(dir, 'meltano.yml') };
    const [mine, theirs] = await Promise.all([
      ours(os.tmpdir(), ['schedule', 'list'], env),
      meltano(os.tmpdir(), ['schedule', 'list'], env),
    ]);
    expect(theirs.exitCode).toBe(2);
    expect(mine.exitCode).toBe(2);
    expect(mine.stderr).toContain(`MELTANO_PROJECT_ROOT (${path.join(dir, 'meltano.yml')}) is a file`);
    expect(mine.stderr).toContain(`fix: set MELTANO_PROJECT_ROOT=${dir}`);
  });
});
