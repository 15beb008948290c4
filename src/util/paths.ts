/** Locations inside this package (its root, its own `.venv`). */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: compiled code lives in dist/src/..., sources in src/... */
export const PACKAGE_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('meltano-temporal: cannot find its package root');
    dir = parent;
  }
  return dir;
})();

/** The shipped command, package.json's `bin` (a bundle; scripts/bundle-cli.ts builds it). */
export const CLI_BIN = path.join(PACKAGE_ROOT, 'dist', 'cli', 'meltano-temporal.js');

/** The `.venv/bin` that `npm run setup` fills (meltano, temporal, temporal-test-server). */
export const VENV_BIN = path.join(PACKAGE_ROOT, '.venv', 'bin');

/** An executable file (not a directory, execute bit set for this user). */
export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First executable found: an explicit path, the package's .venv, then PATH (a file without the execute bit is passed over, as the shell does). */
export function findExecutable(name: string, explicit?: string, envPath = process.env.PATH ?? ''): string | undefined {
  if (explicit) return explicit;
  const candidates = [
    path.join(VENV_BIN, name),
    ...envPath
      .split(path.delimiter)
      .filter(Boolean)
      .map((d) => path.join(d, name)),
  ];
  return candidates.find((c) => isExecutableFile(c));
}
