/** Temporary Meltano projects for tests, built from a map of file name -> text. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type ProjectFiles = Record<string, string>;

export function makeProject(files: ProjectFiles, prefix = 'mt-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) {
    const target = path.join(dir, name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return dir;
}

export function copyProject(dir: string, prefix = 'mt-copy-'): string {
  const copy = mkdtempSync(path.join(os.tmpdir(), prefix));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

/** Every YAML file of a project (outside .meltano) with its bytes. */
export function snapshotYaml(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      if (name === '.meltano') continue;
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/u.test(name)) out[path.relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}
