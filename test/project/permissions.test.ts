/**
 * Edits by a user who may not write the project: a short message naming what
 * could not be written and the fix, exit 1, every file as it was. Run as an
 * unprivileged user (root may write anywhere): `nobody` through setpriv when
 * the tests run as root.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { makeProject } from '../helpers/project.js';
import { CLI, MELTANO, QUIET_MELTANO_ENV, VENV_BIN, ours, requireFile } from '../helpers/run.js';

const MELTANO_YML = `version: 1
project_id: permissions-test
plugins:
  extractors:
  - name: tap-a
  loaders:
  - name: target-b
jobs:
- name: j1
  tasks: [tap-a target-b]
`;

/** Run the CLI as an unprivileged user. */
async function asUser(cwd: string, args: string[]) {
  const env = { HOME: cwd, PATH: `${VENV_BIN}:/usr/bin:/bin` };
  const argv = ['node', CLI, ...args];
  if (process.getuid?.() === 0) {
    requireFile('/usr/bin/setpriv', 'install util-linux');
    return execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...argv], {
      cwd,
      env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    });
  }
  return execa(argv[0] as string, argv.slice(1), { cwd, env, extendEnv: false, reject: false, stdin: 'ignore' });
}

function readableProject(): string {
  const dir = makeProject({ 'meltano.yml': MELTANO_YML });
  chmodSync(dir, 0o755);
  chmodSync(path.join(dir, 'meltano.yml'), 0o666);
  return dir;
}

describe('an edit in a project this user may not write', () => {
  it("cannot create Meltano's lock directory: says so, with the fix", async () => {
    const dir = readableProject();
    const r = await asUser(dir, ['job', 'add', 'j2', '--tasks', 'tap-a target-b']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `Error: Cannot lock meltano.yml: cannot create ${path.join(dir, '.meltano', 'run')} for Meltano's lock file: permission denied.\n` +
        '  fix: run as a user who may write the project directory, or set MELTANO_SYS_DIR_ROOT to a directory you may write',
    );
    expect(readFileSync(path.join(dir, 'meltano.yml'), 'utf8')).toBe(MELTANO_YML);
  });

  it('cannot create the temp file next to meltano.yml: says so, with the fix', async () => {
    const dir = readableProject();
    mkdirSync(path.join(dir, '.meltano', 'run'), { recursive: true });
    chmodSync(path.join(dir, '.meltano', 'run'), 0o777);
    const r = await asUser(dir, ['job', 'add', 'j2', '--tasks', 'tap-a target-b']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: Cannot write meltano\.yml: cannot create the temp file .*\/\.meltano\.yml\.[0-9a-f]{12}\.tmp: permission denied\.\n {2}fix: edits write a temp file next to meltano\.yml, then rename it: run as a user who may write that directory$/u,
    );
    expect(readFileSync(path.join(dir, 'meltano.yml'), 'utf8')).toBe(MELTANO_YML);
  });
});

describe('a read-only meltano.yml (mode 444) in a writable directory', () => {
  function readOnlyProject(): string {
    const dir = makeProject({ 'meltano.yml': MELTANO_YML });
    chmodSync(dir, 0o777);
    mkdirSync(path.join(dir, '.meltano', 'run'), { recursive: true });
    chmodSync(path.join(dir, '.meltano'), 0o777);
    chmodSync(path.join(dir, '.meltano', 'run'), 0o777);
    chmodSync(path.join(dir, 'meltano.yml'), 0o444);
    return dir;
  }
  const refusal =
    'Error: Cannot write meltano.yml: the file is read-only (mode 0444): permission denied.\n' +
    '  fix: make it writable to edit it (chmod u+w meltano.yml), or edit as a user who may write meltano.yml';

  for (const [who, run] of [
    ['this user', (dir: string, args: string[]) => ours(dir, args)],
    ['an unprivileged user', asUser],
  ] as const) {
    it(`is refused for ${who}: byte for byte and mode as it was, no temp file left`, async () => {
      const dir = readOnlyProject();
      const r = await run(dir, ['schedule', 'add', 's1', '--job', 'j1', '--interval', '@daily']);
      expect(r.stderr).toBe(refusal);
      expect(r.exitCode).toBe(1);
      expect(readFileSync(path.join(dir, 'meltano.yml'), 'utf8')).toBe(MELTANO_YML);
      expect(statSync(path.join(dir, 'meltano.yml')).mode & 0o777).toBe(0o444);
      expect(readdirSync(dir).sort()).toEqual(['.meltano', 'meltano.yml']);
    });
  }

  it('meltano 4.4.1 itself replaces it and leaves it mode 0600 (why we refuse: docs/differences-from-meltano.md)', async () => {
    requireFile(MELTANO);
    const dir = readOnlyProject();
    // Root may write any file: without the capability that allows it, uid 0 meets the mode like any user.
    const argv = [MELTANO, 'schedule', 'add', 's1', '--job', 'j1', '--interval', '@daily'];
    const drop = ['--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search', '--'];
    const r =
      process.getuid?.() === 0
        ? await execa('setpriv', [...drop, ...argv], {
            cwd: dir,
            env: QUIET_MELTANO_ENV,
            reject: false,
            stdin: 'ignore',
          })
        : await execa(argv[0] as string, argv.slice(1), {
            cwd: dir,
            env: QUIET_MELTANO_ENV,
            reject: false,
            stdin: 'ignore',
          });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'meltano.yml'), 'utf8')).toContain('- name: s1');
    expect(statSync(path.join(dir, 'meltano.yml')).mode & 0o777).toBe(0o600);
  });
});
