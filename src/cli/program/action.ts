/**
 * What every command's action shares: the wrapper that turns a thrown error into
 * its report and exit code (eagerly or lazily loaded), the project options, the
 * --format check, and one project edit.
 */
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import type { LoadOptions } from '../../project/load.js';
import { printError } from './error-report.js';

/** The global `--project DIR` option, wherever it was given. */
export function projectOptions(cmd: Command): LoadOptions {
  const opts = cmd.optsWithGlobals<{ project?: string }>();
  return opts.project ? { root: opts.project } : {};
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
