/**
 * Every error a user can act on, in one place. Each names what is at fault
 * and says how to fix it; the CLI prints `describe()` and exits with
 * `exitCode`: Meltano's codes, 2 for usage errors (like click), 1 for every
 * other failure. Core code throws the domain errors below; only the CLI
 * words command-line flags. An error raised because of another keeps it as
 * its `cause`: `--verbose` prints the chain (`causeChain`), e.g. the gRPC
 * error beneath a server that cannot be reached.
 *
 * The ground floor: this module imports nothing, and everything may import it.
 */

/** Meltano's exit codes. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** What an error carries besides its message: the fix, the exit code (default 1), the error beneath it. */
export interface UserErrorOptions {
  hint?: string | undefined;
  exitCode?: number;
  cause?: unknown;
}

/** The options of a domain error whose exit code is fixed by its kind. */
export type ErrorDetails = Pick<UserErrorOptions, 'hint' | 'cause'>;

export class UserError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.hint = options.hint;
  }

  /** The full text shown to the user: the problem, then the fix. */
  describe(): string {
    return this.hint ? `${this.message}\n  fix: ${this.hint}` : this.message;
  }
}

/** A problem in one entry of a project file (a job, a schedule, an include file). */
export class ProjectFileError extends UserError {
  constructor(
    readonly file: string,
    readonly entry: string | undefined,
    problem: string,
    options: ErrorDetails = {},
  ) {
    super(`${file}${entry ? `: ${entry}` : ''}: ${problem}`, options);
    this.name = 'ProjectFileError';
  }
}

/** Usage errors (wrong or missing flags), exit code 2 like click's UsageError. */
export class UsageError extends UserError {
  constructor(message: string, options: ErrorDetails = {}) {
    super(message, { ...options, exitCode: EXIT.usage });
    this.name = 'UsageError';
  }
}

/** A required option of a command is missing; `option` is its long name without dashes. */
export class MissingOptionError extends UsageError {
  constructor(
    readonly option: string,
    options: ErrorDetails = {},
  ) {
    super(`Missing option '--${option}'.`, options);
    this.name = 'MissingOptionError';
  }
}

/** A flag or environment variable whose value cannot be used; `source` is `--flag` or the variable's name. */
export class InvalidValueError extends UsageError {
  constructor(
    readonly source: string,
    readonly value: string,
    expected: string,
    options: ErrorDetails = {},
  ) {
    super(`Invalid value for '${source}': '${value}' is not ${expected}.`, options);
    this.name = 'InvalidValueError';
  }
}

/**
 * No schedule of that name in the project (meltano.yml and its include files).
 * Not the SDK's `ScheduleNotFoundError`, which is about the server.
 */
export class ScheduleNotInProjectError extends UserError {
  constructor(readonly schedule: string) {
    super(`Schedule '${schedule}' was not found.`, {
      hint: 'see the schedules with: meltano-temporal schedule list',
    });
    this.name = 'ScheduleNotInProjectError';
  }
}

/** No job of that name in the project; `schedule` is the schedule that names it, if any. */
export class JobNotFoundError extends UserError {
  constructor(
    readonly job: string,
    readonly schedule?: string,
  ) {
    super(`Job '${job}' was not found.`, {
      hint: schedule
        ? `add the job, or point the schedule at an existing one: meltano-temporal schedule set ${schedule} --job NAME`
        : 'see the jobs with: meltano-temporal job list',
    });
    this.name = 'JobNotFoundError';
  }
}

/** The schedule is in meltano.yml but has no Temporal Schedule yet (never synced, or deleted on the server). */
export class ScheduleNotSyncedError extends UserError {
  constructor(
    readonly schedule: string,
    readonly scheduleId: string,
    readonly namespace: string,
    options: Pick<ErrorDetails, 'cause'> = {},
  ) {
    super(`Schedule '${schedule}' is not in Temporal yet (no schedule ${scheduleId} in namespace ${namespace}).`, {
      ...options,
      hint: 'run: meltano-temporal sync',
    });
    this.name = 'ScheduleNotSyncedError';
  }
}

/** In meltano.yml, but its `annotations.temporal.environments` leaves out the environment in use: not in Temporal here. */
export class ScheduleNotInEnvironmentError extends UserError {
  constructor(
    readonly schedule: string,
    readonly environment: string,
    reason: string,
    listed: readonly string[],
  ) {
    super(`Schedule '${schedule}' does not exist in environment ${environment}: ${reason}.`, {
      hint: `use --environment ${listed[0] ?? 'NAME'}, or add ${environment} to its annotations.temporal.environments and run meltano-temporal sync`,
    });
    this.name = 'ScheduleNotInEnvironmentError';
  }
}

/** A Temporal Schedule at this project's id was made by another project: never updated or deleted. */
export class ScheduleOwnedElsewhereError extends UserError {
  constructor(
    readonly scheduleId: string,
    readonly owner: string,
  ) {
    super(`Schedule ${scheduleId} belongs to another project (created ${owner}); left untouched.`, {
      hint: 'give this project its own key: a project_id in meltano.yml or MELTANO_TEMPORAL_PROJECT',
    });
    this.name = 'ScheduleOwnedElsewhereError';
  }
}

const START_A_SERVER =
  'start one (meltano-temporal up, or temporal server start-dev) or point TEMPORAL_ADDRESS at yours';

/** The Temporal server cannot be reached with the connection settings given; `reason` says why in words. */
export class ServerUnreachableError extends UserError {
  constructor(
    readonly address: string,
    readonly namespace: string,
    reason: string,
    options: ErrorDetails = {},
  ) {
    super(`Cannot reach the Temporal server at ${address} (namespace ${namespace}): ${reason}`, {
      ...options,
      hint: options.hint ?? START_A_SERVER,
    });
    this.name = 'ServerUnreachableError';
  }
}

/** No run of that workflow id (and run id) in the namespace. */
export class RunNotFoundError extends UserError {
  constructor(
    readonly workflowId: string,
    readonly runId: string | undefined,
    readonly namespace: string,
    options: Pick<ErrorDetails, 'cause'> = {},
  ) {
    super(`No run ${workflowId}${runId ? ` (run ${runId})` : ''} in namespace ${namespace}.`, {
      ...options,
      hint: 'see the runs with: meltano-temporal runs',
    });
    this.name = 'RunNotFoundError';
  }
}

/** `runs retry` of a run that is not a job run, or has not failed (still running, or completed). */
export class RunNotRetryableError extends UserError {
  constructor(
    readonly workflowId: string,
    problem: string,
    options: ErrorDetails = {},
  ) {
    super(`Run ${workflowId} ${problem}`, options);
    this.name = 'RunNotRetryableError';
  }
}

/** Exit code of a command that followed a run and lost the server for good: the run's outcome is unknown, not failed. */
export const EXIT_OUTCOME_UNKNOWN = 4;

/** Following a run stopped because the server stayed unreachable; the run itself may still be going. */
export class RunOutcomeUnknownError extends UserError {
  constructor(
    readonly workflowId: string,
    reason: string,
  ) {
    super(
      `Stopped following run ${workflowId}: ${reason}; its outcome is unknown here, the run itself may still be going.`,
      {
        exitCode: EXIT_OUTCOME_UNKNOWN,
        hint: `look it up later: meltano-temporal runs logs ${workflowId}, or temporal workflow describe --workflow-id ${workflowId}`,
      },
    );
    this.name = 'RunOutcomeUnknownError';
  }
}

/** The namespace does not exist on the server. */
export class NamespaceNotFoundError extends UserError {
  constructor(
    readonly namespace: string,
    readonly address: string,
    options: Pick<ErrorDetails, 'cause'> = {},
  ) {
    super(`Namespace '${namespace}' does not exist on the Temporal server at ${address}.`, {
      ...options,
      hint: `create it (temporal operator namespace create --namespace ${namespace}) or pass --namespace / TEMPORAL_NAMESPACE with an existing one`,
    });
    this.name = 'NamespaceNotFoundError';
  }
}

/** The search attributes this tool needs are not registered in the namespace; `reason` is the server's words. */
export class SearchAttributesMissingError extends UserError {
  constructor(
    readonly namespace: string,
    readonly missing: readonly string[],
    reason: string,
    options: Pick<ErrorDetails, 'cause'> = {},
  ) {
    super(
      `The namespace '${namespace}' lacks the search attributes ${missing.length ? missing.join(', ') : 'of meltano-temporal'}: ${reason}`,
      {
        ...options,
        hint: 'run `meltano-temporal sync` once (it registers them), or register them as Keyword with `temporal operator search-attribute create`',
      },
    );
    this.name = 'SearchAttributesMissingError';
  }
}

/** A bug or an impossible state in this tool, not the user's input: printed with its stack. */
export class InternalError extends Error {
  readonly exitCode = EXIT.failure;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

/** No Meltano project where one was looked for: exit code 2, as `meltano` exits outside a project. */
export class ProjectNotFoundError extends UserError {
  constructor(message: string, options: ErrorDetails = {}) {
    super(message, { ...options, exitCode: EXIT.usage });
    this.name = 'ProjectNotFoundError';
  }
}

/** How deep `causeChain` looks: the SDK nests a few levels, a cycle must not loop. */
const MAX_CAUSES = 8;

/**
 * The errors beneath `err`, outermost first, one line each (`ServiceError: 14 UNAVAILABLE: ...`),
 * for `--verbose`. A cause that is not an Error is shown as text; a cycle ends the chain.
 */
export function causeChain(err: unknown): string[] {
  const lines: string[] = [];
  const seen = new Set<unknown>([err]);
  let cause = (err as { cause?: unknown } | null | undefined)?.cause;
  while (cause !== undefined && cause !== null && !seen.has(cause) && lines.length < MAX_CAUSES) {
    seen.add(cause);
    lines.push(causeLine(cause));
    cause = (cause as { cause?: unknown }).cause;
  }
  return lines;
}

function causeLine(cause: unknown): string {
  if (!(cause instanceof Error)) return typeof cause === 'string' ? cause : safeJson(cause);
  const code = (cause as { code?: unknown }).code;
  const name = cause.name || 'Error';
  const codeText = code !== undefined && !cause.message.includes(String(code)) ? ` [code ${String(code)}]` : '';
  return `${name}: ${cause.message.replace(/\s*\n\s*/gu, ' ')}${codeText}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
