/**
 * The temp files our atomic writes use, and the removal of the ones a killed
 * edit left behind.
 *
 * A temp file is `.<name>.<12 hex>.tmp`, hidden, next to the file `<name>` it
 * replaces. It does not end in `.yml`, so no `include_paths` glob (ours or
 * Meltano's) ever loads a half-written copy as a project file. Earlier
 * versions ended it in `.tmp.yml`; those are cleaned up too.
 *
 * Removal runs under Meltano's project lock, which every edit of ours holds
 * from before its temp file exists until after the rename: a temp file of
 * ours found under the lock belongs to no live edit.
 */
import { readdirSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isInside, MELTANO_FILE } from './root.js';
import { parseProjectFile, resolveIncludePaths } from './files.js';

const OUR_TEMP = /^\.(.+)\.[0-9a-f]{12}\.tmp(?:\.yml)?$/u;

/** A fresh temp file name for `name`. */
export function tempFileName(name: string): string {
  return `.${name}.${randomBytes(6).toString('hex')}.tmp`;
}

/**
 * meltano.yml and the files its `include_paths` match, read from meltano.yml
 * alone (a stale temp file may be what stops the full project from loading).
 */
function projectFilePaths(root: string): string[] {
  const main = path.join(root, MELTANO_FILE);
  try {
    return [main, ...resolveIncludePaths(root, parseProjectFile(main, root))];
  } catch {
    return [main];
  }
}

/**
 * Remove our temp files that sit next to a project file and are named after
 * it (both at the link's place and at its target's, inside the project only).
 * Returns the removed paths. Call only while holding the project lock.
 */
export function removeStaleTempFiles(root: string): string[] {
  const realRoot = realpathSync(root);
  const namesByDir = new Map<string, Set<string>>();
  const add = (file: string): void => {
    const name = path.basename(file);
    if (OUR_TEMP.test(name)) return;
    const dir = path.dirname(file);
    const names = namesByDir.get(dir) ?? new Set<string>();
    names.add(name);
    namesByDir.set(dir, names);
  };
  for (const file of projectFilePaths(root)) {
    add(file);
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      continue;
    }
    if (isInside(real, realRoot)) add(real);
  }
  const removed: string[] = [];
  for (const [dir, names] of namesByDir) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const named = OUR_TEMP.exec(entry)?.[1];
      if (named === undefined || !names.has(named)) continue;
      rmSync(path.join(dir, entry), { force: true });
      removed.push(path.join(dir, entry));
    }
  }
  return removed;
}
