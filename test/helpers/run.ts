/** Run this tool's CLI and the real `meltano` as child processes. */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_BIN } from '../../src/util/paths.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The shipped command (package.json `bin`, the bundle): the tests run what users run. */
export const CLI = CLI_BIN;
export const VENV_BIN = path.join(REPO_ROOT, '.venv', 'bin');
export const MELTANO = path.join(VENV_BIN, 'meltano');
export const TEMPORAL = path.join(VENV_BIN, 'temporal');

export interface Result {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A component the test needs must be there: fail loudly, never skip. */
export function requireFile(file: string, how = 'run `npm run setup`'): void {
  if (!existsSync(file)) throw new Error(`${file} is missing: ${how}`);
}

export const QUIET_MELTANO_ENV = {
  MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
  MELTANO_DISABLE_TRACKING: 'true',
  MELTANO_CLI_LOG_LEVEL: 'warning',
};

export async function ours(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  requireFile(CLI, 'run `npm run build`');
  const r = await execa('node', [CLI, ...args], { cwd, reject: false, env: { ...env }, stdin: 'ignore' });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
}

export async function meltano(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  requireFile(MELTANO);
  const r = await execa(MELTANO, args, { cwd, reject: false, env: { ...QUIET_MELTANO_ENV, ...env }, stdin: 'ignore' });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
}
