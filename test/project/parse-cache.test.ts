/**
 * The cache of parsed project files (src/project/parse-cache.ts), through the
 * built CLI: a large meltano.yml read twice is parsed once; the listing is the
 * same with the cache as without it and as the real `meltano`'s; any change to
 * the file, a damaged entry or an unwritable cache directory falls back to the
 * parse without a word.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeProject } from '../helpers/project.js';
import { meltano, ours } from '../helpers/run.js';
import { PARSE_CACHE_MIN_BYTES } from '../../src/project/parse-cache.js';

const COUNT = 400;

/** A meltano.yml over the size the cache starts at: COUNT jobs, COUNT schedules. */
function bigMeltanoYml(): string {
  let yml = `version: 1\ndefault_environment: dev\nproject_id: 3f9a1c2b-0000-4000-8000-0000000000c1\nenvironments:\n- name: dev\njobs:\n`;
  for (let i = 0; i < COUNT; i++) yml += `- name: job-${i}\n  tasks:\n  - tap-x target-y\n`;
  yml += 'schedules:\n';
  for (let i = 0; i < COUNT; i++)
    yml += `- name: schedule-${i}\n  interval: '@daily'\n  env:\n    RUN: '${i}'\n  job: job-${i}\n`;
  expect(yml.length).toBeGreaterThan(PARSE_CACHE_MIN_BYTES);
  return yml;
}

function cacheHome(): { env: Record<string, string>; entries: () => string[]; dir: string } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'mt-cache-home-'));
  const dir = path.join(home, 'meltano-temporal', 'parsed');
  return {
    env: { XDG_CACHE_HOME: home },
    dir,
    entries: () => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
  };
}

const LIST = ['schedule', 'list', '--format=json'];
const OFF = { MELTANO_TEMPORAL_PARSE_CACHE: 'off' };

describe('the cache of parsed project files', () => {
  it('a large meltano.yml: the first read writes one entry, later reads use it, the listing stays what meltano lists', async () => {
    const dir = makeProject({ 'meltano.yml': bigMeltanoYml() });
    const cache = cacheHome();
    const first = await ours(dir, LIST, cache.env);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(cache.entries()).toHaveLength(1);
    const second = await ours(dir, LIST, cache.env);
    expect(second.stdout).toBe(first.stdout);
    const theirs = await meltano(dir, LIST);
    expect(theirs.exitCode, theirs.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(theirs.stdout));

    // The entry is what the second read used: data planted under the file's own key shows up...
    const entry = path.join(cache.dir, cache.entries()[0] ?? '');
    const text = readFileSync(entry, 'utf8');
    writeFileSync(entry, text.replace('"schedule-7"', '"planted-7"'));
    expect((await ours(dir, LIST, cache.env)).stdout).toContain('"planted-7"');
    // ...until the file changes by one byte: then it is parsed again and the entry replaced.
    writeFileSync(path.join(dir, 'meltano.yml'), bigMeltanoYml().replace("RUN: '7'", "RUN: '8'"));
    const changed = await ours(dir, LIST, cache.env);
    expect(changed.stdout).not.toContain('planted-7');
    expect(changed.stdout).toBe((await ours(dir, LIST, OFF)).stdout);
    expect(readFileSync(entry, 'utf8')).not.toContain('planted-7');
  });

  it('a damaged entry or an unwritable cache directory: the file is parsed, nothing is reported', async () => {
    const dir = makeProject({ 'meltano.yml': bigMeltanoYml() });
    const expected = (await ours(dir, LIST, OFF)).stdout;
    const cache = cacheHome();
    await ours(dir, LIST, cache.env);
    const entry = path.join(cache.dir, cache.entries()[0] ?? '');
    const text = readFileSync(entry, 'utf8');
    for (const damaged of [text.slice(0, text.length / 2), '', 'not a key\n{}', `${text.split('\n')[0]}\n{"jobs": [`]) {
      writeFileSync(entry, damaged);
      const r = await ours(dir, LIST, cache.env);
      expect(r.stdout).toBe(expected);
      expect(r.stderr).toBe('');
    }
    // XDG_CACHE_HOME naming a file: no cache can be written there.
    const file = path.join(makeProject({ 'not-a-dir': 'x' }), 'not-a-dir');
    const r = await ours(dir, LIST, { XDG_CACHE_HOME: file });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(expected);
    expect(r.stderr).toBe('');
  });

  it('values JSON cannot hold exactly (a float kept as Python prints it) keep the file out of the cache; small files and MELTANO_TEMPORAL_PARSE_CACHE=off too', async () => {
    const cache = cacheHome();
    const floats = makeProject({ 'meltano.yml': bigMeltanoYml().replace("RUN: '7'", 'RUN: 1.50') });
    const listed = await ours(floats, LIST, cache.env);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toBe((await meltano(floats, LIST)).stdout);
    const small = makeProject({
      'meltano.yml': 'default_environment: dev\njobs:\n- name: j\n  tasks:\n  - tap-x target-y\n',
    });
    expect((await ours(small, ['job', 'list', '--format=json'], cache.env)).exitCode).toBe(0);
    const big = makeProject({ 'meltano.yml': bigMeltanoYml() });
    expect((await ours(big, LIST, { ...cache.env, ...OFF })).exitCode).toBe(0);
    expect(cache.entries()).toEqual([]);
    // The positive control: the same cache directory takes the plain large file.
    expect((await ours(big, LIST, cache.env)).exitCode).toBe(0);
    expect(cache.entries()).toHaveLength(1);
  });
});
