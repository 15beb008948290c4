/**
 * An edit that changes several project files (meltano.yml and an
 * include_paths file) is all or nothing: when the second file cannot be
 * written, the first is left (or put back) byte for byte as it was, and the
 * message names the file that failed, why, and the fix. Real files, Meltano's
 * real lock, the real error printer of the CLI; the failing write is made by
 * an unprivileged user (`nobody` through setpriv when the tests run as root,
 * as root may write anywhere), so the system itself refuses it.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { chmodSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeProject } from '../helpers/project.js';
import { REPO_ROOT, VENV_BIN, requireFile } from '../helpers/run.js';

const MELTANO_YML = `version: 1
project_id: multi-file-edit-test
include_paths:
- ./sub/*.yml
plugins:
  extractors:
  - name: tap-a
  loaders:
  - name: target-b
jobs:
- name: j1
  tasks:
  - tap-a target-b
schedules:
# kept: a comment
- name: s-main
  interval: '@daily'
  job: j1
`;

const EXTRA_YML = `schedules:
- name: s-sub   # kept too
  interval: "@hourly"
  job: j1
`;

const WRITE_JS = path.join(REPO_ROOT, 'dist', 'src', 'project', 'write.js');
const ERROR_REPORT_JS = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'program', 'error-report.js');

/**
 * A process that makes one edit of both files through `editProject` (both
 * schedules to '@weekly') and reports a failure as the CLI does.
 */
const EDIT_BOTH = `
const { editProject } = await import(${JSON.stringify(pathToFileURL(WRITE_JS).href)});
const { printError } = await import(${JSON.stringify(pathToFileURL(ERROR_REPORT_JS).href)});
try {
  await editProject({ root: process.cwd() }, () => ({
    edits: [
      { file: 'meltano.yml', edit: { op: 'set', key: 'schedules', index: 0, changes: { interval: '@weekly' } } },
      { file: 'sub/extra.yml', edit: { op: 'set', key: 'schedules', index: 0, changes: { interval: '@weekly' } } },
    ],
    result: undefined,
  }));
  process.stdout.write('edited\\n');
} catch (err) {
  process.exitCode = printError(err);
}
`;

/** Run the two-file edit in `cwd`, as `nobody` when `unprivileged` and the tests run as root. */
async function editBoth(cwd: string, unprivileged: boolean) {
  requireFile(WRITE_JS, 'run `npm run build`');
  requireFile(ERROR_REPORT_JS, 'run `npm run build`');
  const env = { HOME: cwd, PATH: `${VENV_BIN}:/usr/bin:/bin` };
  const argv = ['node', '--input-type=module', '-e', EDIT_BOTH];
  const asNobody = unprivileged && process.getuid?.() === 0;
  if (asNobody) requireFile('/usr/bin/setpriv', 'install util-linux');
  const [file, ...args] = asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv;
  return execa(file as string, args, { cwd, env, extendEnv: false, reject: false, stdin: 'ignore' });
}

/** A project `nobody` may edit at its root (meltano.yml, Meltano's lock) but whose sub/ directory is as `subMode`. */
function project(subMode: number): string {
  const dir = makeProject({ 'meltano.yml': MELTANO_YML, 'sub/extra.yml': EXTRA_YML });
  chmodSync(dir, 0o777);
  chmodSync(path.join(dir, 'meltano.yml'), 0o666);
  chmodSync(path.join(dir, 'sub', 'extra.yml'), 0o666);
  chmodSync(path.join(dir, 'sub'), subMode);
  return dir;
}

const bytes = (dir: string, file: string): Buffer => readFileSync(path.join(dir, file));
const listing = (dir: string): string[] => readdirSync(dir).filter((n) => n !== '.meltano');

describe('an edit of two files', () => {
  it('changes both, keeps every other byte and the modes, and leaves no temp file', async () => {
    const dir = project(0o755);
    const r = await editBoth(dir, false);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(bytes(dir, 'meltano.yml').toString()).toBe(MELTANO_YML.replace("'@daily'", "'@weekly'"));
    expect(bytes(dir, 'sub/extra.yml').toString()).toBe(EXTRA_YML.replace('"@hourly"', "'@weekly'"));
    expect(statSync(path.join(dir, 'meltano.yml')).mode & 0o777).toBe(0o666);
    expect(statSync(path.join(dir, 'sub/extra.yml')).mode & 0o777).toBe(0o666);
    expect(listing(dir).sort()).toEqual(['meltano.yml', 'sub']);
    expect(listing(path.join(dir, 'sub'))).toEqual(['extra.yml']);
  });

  it('whose second temp file cannot be created changes neither, and says which file and the fix', async () => {
    const dir = project(0o755); // root's directory: nobody may not create a file in it
    const r = await editBoth(dir, true);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^Error: Cannot write sub\/extra\.yml: cannot create the temp file .*\/sub\/\.extra\.yml\.[0-9a-f]{12}\.tmp: permission denied\. No file was changed\.\n {2}fix: edits write a temp file next to extra\.yml, then rename it: run as a user who may write that directory$/u,
    );
    expect(bytes(dir, 'meltano.yml').equals(Buffer.from(MELTANO_YML))).toBe(true);
    expect(bytes(dir, 'sub/extra.yml').equals(Buffer.from(EXTRA_YML))).toBe(true);
    expect(listing(dir).sort()).toEqual(['meltano.yml', 'sub']);
  });

  it('whose second rename fails puts the first file back byte for byte, and says which file and the fix', async () => {
    // A sticky directory anyone may write: nobody creates its temp file there, but may not
    // rename it over root's extra.yml (only the owner of a file may replace it there).
    const dir = project(0o1777);
    const mainBefore = statSync(path.join(dir, 'meltano.yml'));
    const r = await editBoth(dir, true);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    const extra = path.join(realpathSync(dir), 'sub', 'extra.yml');
    expect(r.stderr).toBe(
      `Error: Cannot write sub/extra.yml: cannot rename the temp file over ${extra}: permission denied. No file was changed (meltano.yml put back as it was).\n` +
        '  fix: edits rename a temp file over extra.yml: run as a user who may replace it (write its directory; in a sticky directory, own extra.yml)',
    );
    expect(bytes(dir, 'meltano.yml').equals(Buffer.from(MELTANO_YML))).toBe(true);
    expect(bytes(dir, 'sub/extra.yml').equals(Buffer.from(EXTRA_YML))).toBe(true);
    // The original itself came back (kept under a second name, not rewritten): same file, same mode.
    const mainAfter = statSync(path.join(dir, 'meltano.yml'));
    expect(mainAfter.ino).toBe(mainBefore.ino);
    expect(mainAfter.mode).toBe(mainBefore.mode);
    expect(listing(dir).sort()).toEqual(['meltano.yml', 'sub']);
    expect(listing(path.join(dir, 'sub'))).toEqual(['extra.yml']);
  });
});
