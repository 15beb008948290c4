/** Run this tool's CLI and the real `meltano` as child processes. */
import { execa, type ResultPromise } from 'execa';
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
/** PATH with .venv/bin first: `meltano` and `temporal` are the pinned ones. */
export const VENV_PATH = `${VENV_BIN}:${process.env.PATH ?? ''}`;

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

/**
 * The environment our CLI runs with against a test server: its address and namespace (`serverEnv`), the
 * project key and task queue, the pinned `meltano`; `extra` adds or overrides.
 */
export function cliEnv(
  serverEnv: Record<string, string>,
  project: string,
  taskQueue: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...serverEnv,
    MELTANO_TEMPORAL_PROJECT: project,
    MELTANO_TEMPORAL_TASK_QUEUE: taskQueue,
    PATH: VENV_PATH,
    MELTANO_BIN: MELTANO,
    ...extra,
  };
}

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

export interface OursProcess {
  proc: ResultPromise;
  /** Its stdout and stderr so far, interleaved as they came. */
  output: () => string;
  /** Null while it runs. */
  exitCode: () => number | null;
}

/**
 * Our CLI as a long-running child (`up`, `worker`), run as a user runs it: quiet Meltano, the pinned
 * `meltano` and `temporal` (MELTANO_BIN and PATH; `env` adds or overrides).
 */
export function spawnOurs(args: string[], env: Record<string, string> = {}): OursProcess {
  requireFile(CLI, 'run `npm run build`');
  let output = '';
  const proc = execa('node', [CLI, ...args], {
    env: { MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false', MELTANO_BIN: MELTANO, PATH: VENV_PATH, ...env },
    reject: false,
    stdin: 'ignore',
    all: true,
    buffer: false,
  });
  proc.all?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return { proc, output: () => output, exitCode: () => proc.exitCode };
}
