/** What the user reads when a command fails, and the exit code it ends with: one place, so every command reports alike. */
import { causeChain, InternalError, UserError } from '../../errors.js';

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

/** Print the report on stderr as `Error: ...`; returns the exit code. */
export function printError(err: unknown): number {
  const { text, exitCode } = errorReport(err);
  process.stderr.write(`Error: ${text}\n`);
  return exitCode;
}
