/** The pure parts of a run's provenance (src/meltano/provenance.ts). */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configHash, meltanoVersion, usedPlugins, withoutCredentials } from '../../src/meltano/provenance.js';
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

  it('reads the meltano version from the metadata beside the executable, never running it', () => {
    const venv = mkdtempSync(path.join(os.tmpdir(), 'prov-venv-'));
    const bin = path.join(venv, 'bin');
    const info = path.join(venv, 'lib', 'python3.11', 'site-packages', 'meltano-4.4.1.dist-info');
    mkdirSync(bin, { recursive: true });
    mkdirSync(info, { recursive: true });
    writeFileSync(path.join(info, 'METADATA'), 'Metadata-Version: 2.1\nName: meltano\nVersion: 4.4.1\n');
    // An entry point that would fail loudly if it were run.
    writeFileSync(path.join(bin, 'meltano'), `#!${path.join(bin, 'python3')}\nraise SystemExit(99)\n`);
    symlinkSync(path.join(bin, 'meltano'), path.join(venv, 'meltano-link'));
    expect(meltanoVersion(path.join(bin, 'meltano'))).toBe('meltano, version 4.4.1');
    expect(meltanoVersion(path.join(venv, 'meltano-link'))).toBe('meltano, version 4.4.1');
    // A wrapper script (a stand-in, a shell shim) and a name that is not a path: unknown, not guessed.
    writeFileSync(path.join(venv, 'wrapper'), '#!/bin/sh\nexec meltano "$@"\n');
    expect(meltanoVersion(path.join(venv, 'wrapper'))).toBeUndefined();
    expect(meltanoVersion('meltano-not-a-path')).toBeUndefined();
  });
});
