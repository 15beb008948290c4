/** Shared plumbing for commands: project options, output, and error-to-exit-code mapping. */
import type { Command } from 'commander';
import { causeChain, InternalError, UserError } from '../../errors.js';
import type { LoadOptions } from '../../project/load.js';

/** The global `--project DIR` option, wherever it was given. */
export function projectOptions(cmd: Command): LoadOptions {
  const opts = cmd.optsWithGlobals<{ project?: string }>();
  return opts.project ? { root: opts.project } : {};
}

/** Whether the user asked for details: `--verbose` (anywhere on the command line) or DEBUG set. */
function verbose(): boolean {
  return Boolean(process.env.DEBUG) || process.argv.includes('--verbose');
}

/** `--verbose`: the errors beneath this one, one line each (the gRPC error beneath a connection error). */
function causes(err: unknown): string {
  return causeChain(err)
    .map((line) => `\n  cause: ${line}`)
    .join('');
}

/**
 * What to tell the user about an error (without the `Error: ` prefix), and the exit code.
 * With `verbose` (default: --verbose or DEBUG), also the cause chain, and the stack of an unexpected error.
 */
export function errorReport(err: unknown, detailed = verbose()): { text: string; exitCode: number } {
  if (err instanceof UserError) return { text: err.describe() + (detailed ? causes(err) : ''), exitCode: err.exitCode };
  const e = err as Error;
  // A bug: show where it happened.
  if (err instanceof InternalError)
    return { text: `internal error (a bug in meltano-temporal): ${e.stack ?? e.message}${causes(err)}`, exitCode: 1 };
  // Anything else failed unexpectedly: its message, and the trace only when asked for.
  if (detailed) return { text: `${e?.stack ?? String(err)}${causes(err)}`, exitCode: 1 };
  return {
    text: `${(e?.message ?? String(err)).replace(/^Error: /u, '')}\n  (set DEBUG=1 or pass --verbose to see where it happened)`,
    exitCode: 1,
  };
}

export function printError(err: unknown): number {
  const { text, exitCode } = errorReport(err);
  process.stderr.write(`Error: ${text}\n`);
  return exitCode;
}

/** Wrap a command action: a thrown UserError prints its message and sets the exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (err) {
      process.exitCode = printError(err);
    }
  };
}

/**
 * An action whose code loads only when its command runs: the command table
 * (names, options, help) stays light, so `--help`, `--version` and every other
 * command start without it.
 */
export function lazyAction<A extends unknown[]>(
  load: () => Promise<(...args: A) => Promise<number | void> | number | void>,
) {
  return action(async (...args: A) => (await load())(...args));
}

export function checkFormat(format: string, allowed: readonly string[]): void {
  if (!allowed.includes(format)) {
    throw new UserError(
      `Invalid value for '--format': '${format}' is not one of ${allowed.map((a) => `'${a}'`).join(', ')}.`,
      { exitCode: 2 },
    );
  }
}

type Operations = typeof import('../../project/operations.js');

/**
 * Apply one project edit. The editing modules (and the comment-keeping YAML
 * parser they need) load only here, so read-only commands start fast.
 */
export async function applyEdit<T>(
  cmd: Command,
  plan: (
    ops: Operations,
    project: import('../../project/model.js').Project,
  ) => import('../../project/write.js').EditPlan<T>,
  hooks?: import('../../project/write.js').EditHooks,
): Promise<T> {
  const [ops, write] = await Promise.all([import('../../project/operations.js'), import('../../project/write.js')]);
  return write.editProject(projectOptions(cmd), (p) => plan(ops, p), hooks);
}
