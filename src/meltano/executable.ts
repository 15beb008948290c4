/** Which `meltano` runs a task: MELTANO_BIN, else the project's .meltano/run/bin, else PATH. */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function findMeltano(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MELTANO_BIN) return env.MELTANO_BIN;
  const projectBin = path.join(projectRoot, '.meltano', 'run', 'bin');
  if (existsSync(projectBin)) return projectBin;
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'meltano');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
