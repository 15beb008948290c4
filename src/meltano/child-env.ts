/**
 * The environment of a task's `meltano run`: what `meltano run` gets from a plain shell
 * for the schedule's environment, plus the schedule's `env`.
 *
 * Started from a shell (or a service manager, a container), this process's environment
 * is that shell's: tasks start from it. Started by `meltano invoke` (or `meltano run`
 * with a `temporal:...` block), it is not: Meltano exported every project setting of
 * the invoking environment (`MELTANO_DATABASE_URI`, `MELTANO_STATE_BACKEND_URI`, ...),
 * the plugin's settings (`TEMPORAL_*`), the project's `.env`, `VIRTUAL_ENV` and its own
 * `PATH` entry. Variables outrank meltano.yml, so a task inheriting them would run a
 * schedule of another environment against the invoking one's system database and state
 * backend. Those variables cannot be told from ones the user's shell really had by name
 * or value (Meltano exports a shell value unchanged), so the rule is by origin:
 *
 * - under `meltano invoke` (invocation.ts tells), tasks start from the environment the
 *   `meltano` process itself was started with, read from /proc/<pid>/environ (the
 *   environment a process was exec'd with, untouched by what it changed later). That
 *   process is the nearest ancestor without this plugin's MELTANO_UTILITY_NAME: the
 *   parent, since the launcher execs Node in place;
 * - where that cannot be read (no /proc, another user's process), they start from this
 *   process's environment less what Meltano adds: every MELTANO_* variable except
 *   MELTANO_BIN, MELTANO_PROJECT_ROOT, MELTANO_SYS_DIR_ROOT (the same for every
 *   environment) and this tool's MELTANO_TEMPORAL_*; VIRTUAL_ENV; the plugin's bin
 *   directory at the head of PATH. A MELTANO_* setting from the shell is then lost too,
 *   and the worker says so when it starts.
 *
 * Then MELTANO_ENVIRONMENT is the schedule's environment; a schedule without one
 * (synced with no environment selected) leaves the choice to `meltano run`, as from
 * that shell: the base's MELTANO_ENVIRONMENT, else `.env`'s, else default_environment
 * (`meltano run` needs one).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INVOKE_MARKER } from './invocation.js';

export type BaseSource = 'process' | 'meltano' | 'stripped';

export interface TaskBaseEnvironment {
  env: Record<string, string>;
  source: BaseSource;
  /** The meltano process it was read from. */
  pid?: number;
  /** Why the fallback applies, for the worker's log. */
  note?: string;
}

/** The environment a process was exec'd with, or undefined when it cannot be read. */
export function readProcessEnvironment(pid: number): Record<string, string> | undefined {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

/** The parent of a process (/proc/<pid>/stat, the field after the command name), or undefined. */
export function parentProcess(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

const KEPT_MELTANO = new Set(['MELTANO_BIN', 'MELTANO_PROJECT_ROOT', 'MELTANO_SYS_DIR_ROOT']);

/** The fallback: this process's environment less what `meltano invoke` adds (see above). */
export function withoutInvokeAdditions(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (key.startsWith('MELTANO_') && !KEPT_MELTANO.has(key) && !key.startsWith('MELTANO_TEMPORAL_')) continue;
    if (key === 'VIRTUAL_ENV') continue;
    out[key] = value;
  }
  const venvBin = env.VIRTUAL_ENV ? path.join(env.VIRTUAL_ENV, 'bin') : undefined;
  if (venvBin && out.PATH !== undefined) {
    const entries = out.PATH.split(path.delimiter);
    if (entries[0] === venvBin) out.PATH = entries.slice(1).join(path.delimiter);
  }
  return out;
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** How far up to look for the meltano process: the launcher execs, so it is the parent. */
const MAX_ANCESTORS = 4;

/** Where tasks start from (see the rule above); the readers are parameters for the tests. */
export function taskBaseEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  parent: number = process.ppid,
  read: (pid: number) => Record<string, string> | undefined = readProcessEnvironment,
  parentOf: (pid: number) => number | undefined = parentProcess,
): TaskBaseEnvironment {
  const marker = env[INVOKE_MARKER];
  if (!marker) return { env: definedOnly(env), source: 'process' };
  let pid: number | undefined = parent;
  for (let depth = 0; depth < MAX_ANCESTORS && pid !== undefined && pid > 0; depth++) {
    const found = read(pid);
    if (!found) break;
    if (found[INVOKE_MARKER] !== marker) return { env: found, source: 'meltano', pid };
    pid = parentOf(pid);
  }
  return {
    env: withoutInvokeAdditions(env),
    source: 'stripped',
    note:
      `cannot read the environment of the meltano that started this worker (/proc/${parent}/environ): ` +
      'tasks get this environment less the MELTANO_* variables meltano invoke exported, ' +
      'so a MELTANO_* setting from your shell does not reach them either; set it in meltano.yml or .env',
  };
}

let captured: TaskBaseEnvironment | undefined;

/** Read the base once, at start-up, while the meltano that started this process surely runs. */
export function captureTaskBaseEnvironment(): TaskBaseEnvironment {
  captured ??= taskBaseEnvironment();
  return captured;
}

/**
 * The environment of one task's `meltano run`: the base, the schedule's env, the run context
 * (run-context-env.ts: ours, so a schedule's env cannot fake the interval), the schedule's
 * environment.
 */
export function meltanoRunEnvironment(
  scheduleEnv: Readonly<Record<string, string>>,
  environment: string | undefined,
  runContext: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  return {
    ...captureTaskBaseEnvironment().env,
    ...scheduleEnv,
    ...runContext,
    ...(environment ? { MELTANO_ENVIRONMENT: environment } : {}),
  };
}
