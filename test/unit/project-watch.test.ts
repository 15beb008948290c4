/** Which folders `up` watches for a project (src/project/watch.ts), on real folders. */
import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadProject } from '../../src/project/load.js';
import { foldersToWatch } from '../../src/project/watch.js';
import { makeProject } from '../helpers/project.js';

function project(includePaths: string[], files: Record<string, string> = {}) {
  const dir = makeProject({
    'meltano.yml': `version: 1\ninclude_paths: ${JSON.stringify(includePaths)}\n`,
    ...files,
  });
  return {
    dir,
    watched: () =>
      foldersToWatch(loadProject({ root: dir }))
        .map((d) => path.relative(dir, d))
        .sort(),
  };
}

describe('foldersToWatch', () => {
  it('the root and the folder of each included file', () => {
    const { watched } = project(['./subconfig/*.yml'], { 'subconfig/a.yml': 'jobs: []\n' });
    expect(watched()).toEqual(['', 'subconfig']);
  });

  it('a pattern with wildcards in its folders: every folder below its fixed part, not .meltano or .git', () => {
    const { dir, watched } = project(['conf/**/*.yml'], { 'conf/a/b/x.yml': 'jobs: []\n', 'conf/c/readme.txt': '' });
    mkdirSync(path.join(dir, 'conf', '.git'));
    mkdirSync(path.join(dir, 'conf', '.meltano', 'run'), { recursive: true });
    expect(watched()).toEqual(['', 'conf', 'conf/a', 'conf/a/b', 'conf/c']);
  });

  it('a folder that does not exist yet: its nearest existing parent, to see it created', () => {
    const { dir, watched } = project(['./later/deep/*.yml']);
    expect(watched()).toEqual(['']);
    mkdirSync(path.join(dir, 'later'));
    expect(watched()).toEqual(['', 'later']);
    mkdirSync(path.join(dir, 'later', 'deep'));
    expect(watched()).toEqual(['', 'later/deep']);
  });

  it('never a folder outside the project', () => {
    const { watched } = project(['../elsewhere/*.yml', '/etc/*.yml']);
    expect(watched()).toEqual(['']);
  });
});
