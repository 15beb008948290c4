/** The pure parts of a run's provenance (src/meltano/provenance.ts). */
import { describe, expect, it } from 'vitest';
import { configHash, usedPlugins, withoutCredentials } from '../../src/meltano/provenance.js';
import type { ProjectFile } from '../../src/project/model.js';

const file = (relPath: string, text: string, data: unknown = {}): ProjectFile =>
  ({ path: `/p/${relPath}`, relPath, text, data }) as ProjectFile;

describe('provenance', () => {
  it('configHash covers every file by path and text, in path order', () => {
    const a = configHash({ files: [file('meltano.yml', 'a'), file('sub/x.yml', 'b')] });
    expect(configHash({ files: [file('sub/x.yml', 'b'), file('meltano.yml', 'a')] })).toEqual(a);
    expect(a.configFiles).toEqual(['meltano.yml', 'sub/x.yml']);
    expect(configHash({ files: [file('meltano.yml', 'a'), file('sub/x.yml', 'c')] }).configHash).not.toBe(a.configHash);
    expect(configHash({ files: [file('meltano.yml', 'a'), file('sub/y.yml', 'b')] }).configHash).not.toBe(a.configHash);
  });

  it('masks credentials in pip URLs and leaves the rest as written', () => {
    expect(withoutCredentials('git+https://user:tok@github.com/o/r.git@v1 pkg==1.0')).toBe(
      'git+https://***@github.com/o/r.git@v1 pkg==1.0',
    );
    expect(withoutCredentials('git+https://tok@github.com/o/r.git')).toBe('git+https://***@github.com/o/r.git');
    expect(withoutCredentials('meltanolabs-tap-github==1.2.3')).toBe('meltanolabs-tap-github==1.2.3');
  });

  it("names the tasks' plugins once, with their own or their parent's pip_url and variant", () => {
    const data = {
      plugins: {
        extractors: [
          { name: 'tap-x', variant: 'meltanolabs', pip_url: 'tap-x==1' },
          { name: 'tap-x-eu', inherit_from: 'tap-x' },
        ],
        loaders: [{ name: 'target-y', pip_url: 'target-y==2' }],
        utilities: [{ name: 'dbt', pip_url: 'dbt-core' }],
      },
    };
    const tasks = [
      { index: 0, command: 'run' as const, args: ['tap-x-eu', 'target-y'] },
      { index: 1, command: 'run' as const, args: ['dbt:run', 'tap-x', '--full-refresh'] },
    ];
    expect(usedPlugins({ files: [file('meltano.yml', '', data)] }, tasks)).toEqual([
      { name: 'tap-x-eu', pipUrl: 'tap-x==1', variant: 'meltanolabs' },
      { name: 'target-y', pipUrl: 'target-y==2' },
      { name: 'dbt', pipUrl: 'dbt-core' },
      { name: 'tap-x', pipUrl: 'tap-x==1', variant: 'meltanolabs' },
    ]);
  });
});
