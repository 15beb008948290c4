/**
 * Where a Meltano project is: its root directory, found as Meltano finds it,
 * and the one test of whether a path lies inside it.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ProjectNotFoundError } from '../errors.js';

export const MELTANO_FILE = 'meltano.yml';

/**
 * The project root: `--project DIR`, else `MELTANO_PROJECT_ROOT`, else the
 * current directory or the nearest parent holding a `meltano.yml` (as Meltano).
 * `--project` may also name the meltano.yml file itself. No project: exit 2,
 * as `meltano` exits.
 */
export function findProjectRoot(explicit?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const given = explicit || env.MELTANO_PROJECT_ROOT;
  if (given) {
    const target = path.resolve(cwd, given);
    const fix = (dir: string): string =>
      explicit
        ? `pass --project ${existsSync(path.join(dir, MELTANO_FILE)) ? dir : 'the directory that holds meltano.yml'}`
        : `set MELTANO_PROJECT_ROOT=${existsSync(path.join(dir, MELTANO_FILE)) ? dir : 'the directory that holds meltano.yml'}`;
    const stat = statSync(target, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) {
      // Meltano itself needs the directory; a path to meltano.yml on our own option is plain enough to accept.
      if (explicit && path.basename(target) === MELTANO_FILE) return path.dirname(target);
      const what = explicit ? target : `MELTANO_PROJECT_ROOT (${target})`;
      throw new ProjectNotFoundError(`Cannot find a Meltano project: ${what} is a file, not a project directory.`, {
        hint: fix(path.dirname(target)),
      });
    }
    if (!existsSync(path.join(target, MELTANO_FILE))) {
      throw new ProjectNotFoundError(
        `Cannot find a Meltano project: there is no ${MELTANO_FILE} in ${target}${stat ? '' : ' (no such directory)'}.`,
        {
          hint: explicit
            ? 'pass --project the directory that holds meltano.yml'
            : 'set MELTANO_PROJECT_ROOT to the directory that holds meltano.yml',
        },
      );
    }
    return target;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, MELTANO_FILE))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new ProjectNotFoundError(
    `Cannot find a Meltano project in ${cwd} or its parents: there is no ${MELTANO_FILE}.`,
    { hint: 'run from a Meltano project directory, or pass --project DIR' },
  );
}

/** True when `real` (a resolved path) is `realRoot` or inside it. */
export function isInside(real: string, realRoot: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
}
