/**
 * Our edits take the very lock Meltano takes, also when MELTANO_SYS_DIR_ROOT
 * moves Meltano's system directory: held by Meltano's own code, it makes us wait.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES } from '../conformance/fixtures.js';
import { makeProject } from '../helpers/project.js';
import { QUIET_MELTANO_ENV, VENV_BIN, requireFile } from '../helpers/run.js';
import { acquireProjectLock, lockFilePath } from '../../src/project/lock.js';

/** Hold Meltano's project lock with Meltano's own code until stdin closes. */
async function holdMeltanoLock(dir: string, env: Record<string, string>) {
  const python = path.join(VENV_BIN, 'python');
  requireFile(python);
  const script = [
    'import sys',
    'from meltano.core.project import Project',
    'project = Project.find(activate=False)',
    'with project._meltano_interprocess_lock:',
    '    print("LOCKED", project.dirs.run("meltano.yml.lock"), flush=True)',
    '    sys.stdin.read()',
  ].join('\n');
  const child = execa(python, ['-c', script], { cwd: dir, env: { ...QUIET_MELTANO_ENV, ...env }, stdin: 'pipe' });
  // Meltano logs to stdout too: wait for our own line.
  const lockFile = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = /^LOCKED (.+)$/mu.exec(out);
      if (line?.[1]) resolve(line[1]);
    });
    child.catch(reject);
  });
  return {
    lockFile,
    release: async () => {
      child.stdin?.end();
      await child;
    },
  };
}

describe("Meltano's project lock", () => {
  it('is found in MELTANO_SYS_DIR_ROOT, and an edit waits while Meltano holds it', async () => {
    const dir = makeProject(FIXTURES[0]?.files ?? {});
    const sysDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'mt-sys-')), 'meltano-system');
    const env = { ...process.env, MELTANO_SYS_DIR_ROOT: sysDir };
    const held = await holdMeltanoLock(dir, { MELTANO_SYS_DIR_ROOT: sysDir });
    try {
      expect(lockFilePath(dir, env)).toBe(held.lockFile);
      await expect(acquireProjectLock(dir, 1500, env)).rejects.toThrow(
        `Timed out after 1.5s waiting for ${held.lockFile}`,
      );
    } finally {
      await held.release();
    }
    const lock = await acquireProjectLock(dir, 5000, env);
    await lock.release();
  });

  it('is <root>/.meltano/run/meltano.yml.lock by default, as Meltano has it', async () => {
    const dir = makeProject(FIXTURES[0]?.files ?? {});
    const env = { ...process.env };
    delete env.MELTANO_SYS_DIR_ROOT;
    const held = await holdMeltanoLock(dir, {});
    try {
      expect(lockFilePath(dir, env)).toBe(held.lockFile);
      expect(held.lockFile).toBe(path.join(dir, '.meltano', 'run', 'meltano.yml.lock'));
      await expect(acquireProjectLock(dir, 1500, env)).rejects.toThrow('Timed out');
    } finally {
      await held.release();
    }
  });
});
