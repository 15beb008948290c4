/**
 * Temporary Meltano projects for tests: the one place fixtures are built.
 * makeProject writes a map of file name -> text; copyProject copies one (an
 * example, another fixture); pipelineProject (pipeline.ts) adds a tiny Singer
 * tap and target for runs. Projects Meltano itself must create (`meltano
 * init`) start in a tempDir.
 */
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type ProjectFiles = Record<string, string>;

/** A new empty directory under the system's temp dir. */
export function tempDir(prefix = 'mt-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function makeProject(files: ProjectFiles, prefix = 'mt-'): string {
  const dir = tempDir(prefix);
  for (const [name, text] of Object.entries(files)) {
    const target = path.join(dir, name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return dir;
}

/**
 * An executable shell script `name` in `dir` (by default the `meltano-stand-in` a test's worker runs as
 * MELTANO_BIN): its path.
 */
export function writeScript(dir: string, text: string, name = 'meltano-stand-in'): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  return file;
}

/** A copy of the project in `dir`; `withoutState` leaves its .meltano/ (installed plugins, system database) out. */
export function copyProject(dir: string, prefix = 'mt-copy-', options: { withoutState?: boolean } = {}): string {
  const copy = tempDir(prefix);
  const state = path.join(dir, '.meltano');
  cpSync(dir, copy, {
    recursive: true,
    ...(options.withoutState
      ? { filter: (src: string) => src !== state && !src.startsWith(`${state}${path.sep}`) }
      : {}),
  });
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
