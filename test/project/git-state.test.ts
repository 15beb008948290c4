/**
 * A run's provenance records the git commit of the project and whether its tracked files differ
 * (src/meltano/provenance.ts gitState), from one real `git status --branch` per run and none outside
 * a repository. Real git in temporary folders.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { gitState } from '../../src/meltano/provenance.js';

const made: string[] = [];
const folder = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mt-git-state-'));
  made.push(dir);
  return dir;
};
const git = async (dir: string, ...args: string[]): Promise<string> =>
  String(
    (await execa('git', ['-C', dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args])).stdout,
  ).trim();

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('gitState', () => {
  it('outside a repository: no git record', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'meltano.yml'), 'version: 1\n');
    expect(await gitState(dir)).toBeUndefined();
  });

  it('a repository before its first commit: no git record', async () => {
    const dir = folder();
    await git(dir, 'init', '-q');
    writeFileSync(path.join(dir, 'meltano.yml'), 'version: 1\n');
    expect(await gitState(dir)).toBeUndefined();
  });

  it('the commit, clean; dirty once a tracked file changes, not for an untracked one; from a subfolder too', async () => {
    const dir = folder();
    await git(dir, 'init', '-q');
    writeFileSync(path.join(dir, 'meltano.yml'), 'version: 1\n');
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-qm', 'first');
    const commit = await git(dir, 'rev-parse', 'HEAD');
    expect(commit).toMatch(/^[0-9a-f]{40}$/u);
    expect(await gitState(dir)).toEqual({ commit, dirty: false });
    writeFileSync(path.join(dir, 'output.log'), 'a run wrote this\n');
    expect(await gitState(dir)).toEqual({ commit, dirty: false });
    writeFileSync(path.join(dir, 'meltano.yml'), 'version: 1\n# edited\n');
    expect(await gitState(dir)).toEqual({ commit, dirty: true });
    const sub = path.join(dir, 'sub');
    await execa('mkdir', [sub]);
    expect(await gitState(sub)).toEqual({ commit, dirty: true });
  });
});
