/**
 * Which `meltano` runs a task: MELTANO_BIN, else the `run/bin` shim in Meltano's
 * system directory (`.meltano`, or MELTANO_SYS_DIR_ROOT), else PATH. A candidate
 * must be an executable file, not merely exist: a `meltano` without the execute
 * bit would only fail later, at the first run, with a bare EACCES.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { systemDirectory } from '../project/settings.js';
import { isExecutableFile } from '../util/paths.js';

export type MeltanoLookup =
  | { found: string }
  /** None usable: what was wrong (naming the file and where it came from) and how to fix it. */
  | { problem: string; fix: string };

function exists(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false }) !== undefined;
}

function onPath(name: string, env: NodeJS.ProcessEnv): { executable?: string; unusable?: string } {
  let unusable: string | undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    // Like the shell: the first executable one wins; one that is not executable is passed over.
    if (isExecutableFile(candidate)) return { executable: candidate };
    if (!unusable && exists(candidate)) unusable = candidate;
  }
  return unusable ? { unusable } : {};
}

const notExecutable = (file: string, origin: string): string =>
  `${origin} ${file} is ${statSync(file, { throwIfNoEntry: false })?.isDirectory() ? 'a directory' : 'not executable'}`;

/** The `meltano` to run for the project at `projectRoot`, or why there is none. */
export function locateMeltano(projectRoot: string, env: NodeJS.ProcessEnv = process.env): MeltanoLookup {
  const configured = env.MELTANO_BIN;
  if (configured) {
    // A bare name is looked up on PATH, as a child process would.
    if (!configured.includes(path.sep)) {
      const r = onPath(configured, env);
      if (r.executable) return { found: r.executable };
      return r.unusable
        ? {
            problem: notExecutable(r.unusable, `MELTANO_BIN (${configured}) found on PATH as`),
            fix: fixFor(r.unusable),
          }
        : {
            problem: `MELTANO_BIN names '${configured}', which is not on PATH`,
            fix: 'set MELTANO_BIN to the full path of meltano, e.g. /path/to/venv/bin/meltano',
          };
    }
    const file = path.resolve(projectRoot, configured);
    if (isExecutableFile(file)) return { found: file };
    return exists(file)
      ? { problem: notExecutable(file, 'MELTANO_BIN'), fix: fixFor(file) }
      : {
          problem: `MELTANO_BIN names ${file}, which does not exist`,
          fix: 'set MELTANO_BIN to the full path of meltano, e.g. /path/to/venv/bin/meltano',
        };
  }
  const projectBin = path.join(systemDirectory(projectRoot, env), 'run', 'bin');
  if (isExecutableFile(projectBin)) return { found: projectBin };
  const r = onPath('meltano', env);
  if (r.executable) return { found: r.executable };
  if (r.unusable) return { problem: notExecutable(r.unusable, 'meltano on PATH:'), fix: fixFor(r.unusable) };
  if (exists(projectBin))
    return { problem: notExecutable(projectBin, "the project's meltano"), fix: fixFor(projectBin) };
  return {
    problem: 'not found (MELTANO_BIN, .meltano/run/bin, PATH)',
    fix: 'install it (pip install meltano==4.4.1, or activate the virtualenv that has it), or set MELTANO_BIN',
  };
}

function fixFor(file: string): string {
  return `make it executable (chmod +x ${file}), or set MELTANO_BIN to the meltano you mean`;
}

/** The `meltano` to run, or undefined when none is usable (see locateMeltano for why). */
export function findMeltano(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const r = locateMeltano(projectRoot, env);
  return 'found' in r ? r.found : undefined;
}
