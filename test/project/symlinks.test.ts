/**
 * Symlinked project files: an edit goes to the file the link points to and
 * the link stays a link; a link that leaves the project is refused, as
 * `meltano` refuses it, and nothing is written anywhere.
 */
import { describe, expect, it } from 'vitest';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PLUGINS } from '../conformance/fixtures.js';
import { makeProject } from '../helpers/project.js';
import { meltano, ours } from '../helpers/run.js';
import { writeFileAtomic } from '../../src/project/write.js';

const MAIN = `# kept\n${PLUGINS}jobs:\n- name: j\n  tasks:\n  - tap-foo target-jsonl\nschedules:\n- name: daily\n  interval: '@daily'\n  job: j\n`;

function scheduleNames(file: string): string[] {
  const data = parse(readFileSync(file, 'utf8')) as { schedules?: Array<{ name: string }> };
  return (data.schedules ?? []).map((s) => s.name);
}

/** Files whose name says they are someone's temporary file. */
function tempFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (lstatSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.tmp.yml')) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

describe('meltano.yml is a symlink inside the project', () => {
  for (const [label, target] of [
    ['next to it', 'real-meltano.yml'],
    ['in a subdirectory', 'config/deploy/meltano.yml'],
  ] as const) {
    it(`${label}: the edit goes to the target, the link stays, as with meltano`, async () => {
      // Two projects built alike (a copy would rewrite the relative link).
      const [theirsDir, oursDir] = [0, 1].map(() => {
        const dir = makeProject({ [target]: MAIN });
        symlinkSync(target, path.join(dir, 'meltano.yml'));
        chmodSync(path.join(dir, target), 0o640);
        return dir;
      }) as [string, string];
      const args = ['schedule', 'add', 'hourly', '--job', 'j', '--interval', '@hourly'];
      const [mine, theirs] = await Promise.all([ours(oursDir, args), meltano(theirsDir, args)]);
      expect(theirs.exitCode, theirs.stderr).toBe(0);
      expect(mine.exitCode, mine.stderr).toBe(0);
      for (const dir of [theirsDir, oursDir]) {
        expect(lstatSync(path.join(dir, 'meltano.yml')).isSymbolicLink()).toBe(true);
        expect(readlinkSync(path.join(dir, 'meltano.yml'))).toBe(target);
        expect(scheduleNames(path.join(dir, target))).toEqual(['daily', 'hourly']);
      }
      expect(readFileSync(path.join(oursDir, target), 'utf8').startsWith('# kept\n')).toBe(true);
      expect(statSync(path.join(oursDir, target)).mode & 0o777).toBe(0o640);
      expect(tempFiles(oursDir)).toEqual([]);
    });
  }

  it('a chain of links inside the project is followed to the file', async () => {
    const dir = makeProject({ 'real/meltano.yml': MAIN });
    symlinkSync('real/meltano.yml', path.join(dir, 'middle.yml'));
    symlinkSync('middle.yml', path.join(dir, 'meltano.yml'));
    const mine = await ours(dir, ['schedule', 'set', 'daily', '--interval', '@weekly']);
    expect(mine.exitCode, mine.stderr).toBe(0);
    expect(lstatSync(path.join(dir, 'meltano.yml')).isSymbolicLink()).toBe(true);
    expect(lstatSync(path.join(dir, 'middle.yml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'real/meltano.yml'), 'utf8')).toContain("interval: '@weekly'");
  });
});

describe('meltano.yml is a symlink that leaves the project', () => {
  for (const args of [
    ['schedule', 'list'],
    ['schedule', 'add', 'hourly', '--job', 'j', '--interval', '@hourly'],
  ]) {
    it(`${args.slice(0, 2).join(' ')} is refused like meltano refuses it, and nothing is written`, async () => {
      const outside = makeProject({ 'shared-meltano.yml': MAIN }, 'mt-outside-');
      const dir = makeProject({});
      symlinkSync(path.join(outside, 'shared-meltano.yml'), path.join(dir, 'meltano.yml'));
      const before = readFileSync(path.join(outside, 'shared-meltano.yml'), 'utf8');
      const mine = await ours(dir, args);
      expect(mine.exitCode).toBe(1);
      expect(mine.stderr).toContain(
        `meltano.yml: is a symlink to ${path.join(outside, 'shared-meltano.yml')}, which is outside the project root`,
      );
      expect(mine.stderr).toMatch(/fix: .*inside the project/u);
      expect(readFileSync(path.join(outside, 'shared-meltano.yml'), 'utf8')).toBe(before);
      expect(lstatSync(path.join(dir, 'meltano.yml')).isSymbolicLink()).toBe(true);
      const theirs = await meltano(dir, args);
      expect(theirs.exitCode).toBe(1);
      expect(theirs.stderr).toContain('is not within the project root');
      expect(readFileSync(path.join(outside, 'shared-meltano.yml'), 'utf8')).toBe(before);
    });
  }
});

describe('an included file is a symlink', () => {
  const MAIN_WITH_INCLUDE = `${PLUGINS}include_paths: ['./includes/*.yml']\njobs:\n- name: j\n  tasks:\n  - tap-foo target-jsonl\n`;
  const INCLUDED = `# shared schedules\nschedules:\n- name: from-include\n  interval: '@daily'\n  job: j\n`;

  it('inside the project: the edit goes to the target and the link stays (meltano would replace the link by a copy)', async () => {
    const dir = makeProject({ 'meltano.yml': MAIN_WITH_INCLUDE, 'shared/schedules.yml': INCLUDED });
    mkdirSync(path.join(dir, 'includes'));
    symlinkSync('../shared/schedules.yml', path.join(dir, 'includes/schedules.yml'));
    const mine = await ours(dir, ['schedule', 'set', 'from-include', '--interval', '@hourly']);
    expect(mine.exitCode, mine.stderr).toBe(0);
    expect(lstatSync(path.join(dir, 'includes/schedules.yml')).isSymbolicLink()).toBe(true);
    const text = readFileSync(path.join(dir, 'shared/schedules.yml'), 'utf8');
    expect(text).toContain("interval: '@hourly'");
    expect(text.startsWith('# shared schedules\n')).toBe(true);
    expect(tempFiles(dir)).toEqual([]);
    const removed = await ours(dir, ['schedule', 'remove', 'from-include']);
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(lstatSync(path.join(dir, 'includes/schedules.yml')).isSymbolicLink()).toBe(true);
    expect(scheduleNames(path.join(dir, 'shared/schedules.yml'))).toEqual([]);
  });

  it('leaving the project: refused before anything is written', async () => {
    const outside = makeProject({ 'schedules.yml': INCLUDED }, 'mt-outside-');
    const dir = makeProject({ 'meltano.yml': MAIN_WITH_INCLUDE });
    mkdirSync(path.join(dir, 'includes'));
    symlinkSync(path.join(outside, 'schedules.yml'), path.join(dir, 'includes/schedules.yml'));
    const before = readFileSync(path.join(dir, 'meltano.yml'), 'utf8');
    const mine = await ours(dir, ['schedule', 'set', 'from-include', '--interval', '@hourly']);
    expect(mine.exitCode).toBe(1);
    expect(mine.stderr).toContain("matches 'includes/schedules.yml', which is outside the project root");
    expect(readFileSync(path.join(outside, 'schedules.yml'), 'utf8')).toBe(INCLUDED);
    expect(readFileSync(path.join(dir, 'meltano.yml'), 'utf8')).toBe(before);
  });
});

describe('writeFileAtomic with a project root', () => {
  it('refuses a target that resolves outside the root (a link swapped in after the load) and writes nothing', () => {
    const outside = makeProject({ 'victim.yml': 'untouched: true\n' }, 'mt-outside-');
    const dir = makeProject({});
    symlinkSync(path.join(outside, 'victim.yml'), path.join(dir, 'meltano.yml'));
    expect(() => writeFileAtomic(path.join(dir, 'meltano.yml'), 'jobs: []\n', dir)).toThrow(
      /Refusing to write meltano\.yml: it resolves to .*victim\.yml, outside the project root/u,
    );
    expect(readFileSync(path.join(outside, 'victim.yml'), 'utf8')).toBe('untouched: true\n');
    expect(readdirSync(outside)).toEqual(['victim.yml']);
    expect(readdirSync(dir)).toEqual(['meltano.yml']);
  });
});
