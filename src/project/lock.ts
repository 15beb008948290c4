/**
 * Meltano's project lock: `.meltano/run/meltano.yml.lock`, held with a POSIX
 * record lock (fcntl lockf, via the `fasteners` library). Node has no lockf,
 * so a tiny Python helper takes the same lock and holds it until we release
 * it; `meltano` and this tool then never write meltano.yml at the same time.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { findExecutable } from '../util/paths.js';
import { systemDirectory } from './settings.js';

const HOLDER = [
  'import fcntl, sys',
  'f = open(sys.argv[1], "a+")',
  'fcntl.lockf(f, fcntl.LOCK_EX)',
  'sys.stdout.write("locked\\n"); sys.stdout.flush()',
  'sys.stdin.read()',
].join('\n');

export interface ProjectLock {
  release(): Promise<void>;
}

/** Meltano's lock file: in its system directory, which MELTANO_SYS_DIR_ROOT moves. */
export function lockFilePath(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(systemDirectory(root, env), 'run', 'meltano.yml.lock');
}

/** Wait for Meltano's project lock (at most `timeoutMs`), then hold it until `release()`. */
export async function acquireProjectLock(
  root: string,
  timeoutMs = 30_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProjectLock> {
  const file = lockFilePath(root, env);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw new UserError(
      `Cannot lock meltano.yml: cannot create ${path.dirname(file)} for Meltano's lock file: ${(err as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (err as Error).message}.`,
      {
        hint: 'run as a user who may write the project directory, or set MELTANO_SYS_DIR_ROOT to a directory you may write',
        cause: err,
      },
    );
  }
  const python = findExecutable('python3', process.env.MELTANO_TEMPORAL_PYTHON);
  if (!python) {
    throw new UserError("Cannot lock meltano.yml: no python3 found to take Meltano's lock.", {
      hint: 'install Python 3 or run `npm run setup`',
    });
  }
  const child = spawn(python, ['-c', HOLDER, file], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new UserError(
          `Timed out after ${timeoutMs / 1000}s waiting for ${file}: another meltano or meltano-temporal process is editing the project.`,
          { hint: 'wait for it to finish, then retry' },
        ),
      );
    }, timeoutMs);
    child.stdout.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      // The helper's traceback ends with the reason (PermissionError: ...): that line is the message.
      const reason = stderr.trim().split('\n').pop() ?? '';
      reject(
        new UserError(`Cannot lock meltano.yml: cannot take Meltano's lock ${file} (exit ${code}): ${reason}`, {
          hint: 'run as a user who may write that file, or set MELTANO_SYS_DIR_ROOT to a directory you may write',
        }),
      );
    });
  });
  return {
    release: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}
