/** Locations inside this package (its root, its own `.venv`). */
import { existsSync } from 'node:fs';
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

/** The `.venv/bin` that `npm run setup` fills (meltano, temporal, temporal-test-server). */
export const VENV_BIN = path.join(PACKAGE_ROOT, '.venv', 'bin');

/** First executable found: an explicit path, the package's .venv, then PATH. */
export function findExecutable(name: string, explicit?: string, envPath = process.env.PATH ?? ''): string | undefined {
  if (explicit) return explicit;
  const candidates = [
    path.join(VENV_BIN, name),
    ...envPath
      .split(path.delimiter)
      .filter(Boolean)
      .map((d) => path.join(d, name)),
  ];
  return candidates.find((c) => existsSync(c));
}
