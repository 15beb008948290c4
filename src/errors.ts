/**
 * Every error a user can act on, in one place. Each names what is at fault
 * and says how to fix it; the CLI prints `describe()` and exits with
 * `exitCode`: Meltano's codes, 2 for usage errors (like click), 1 for every
 * other failure. Core code throws the domain errors below; only the CLI
 * words command-line flags.
 */

/** Meltano's exit codes. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
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
    hint?: string,
  ) {
    super(`${file}${entry ? `: ${entry}` : ''}: ${problem}`, EXIT.failure, hint);
    this.name = 'ProjectFileError';
  }
}

/** Usage errors (wrong or missing flags), exit code 2 like click's UsageError. */
export class UsageError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint);
    this.name = 'UsageError';
  }
}

/** A required option of a command is missing; `option` is its long name without dashes. */
export class MissingOptionError extends UsageError {
  constructor(
    readonly option: string,
    hint?: string,
  ) {
    super(`Missing option '--${option}'.`, hint);
    this.name = 'MissingOptionError';
  }
}

/** A flag or environment variable whose value cannot be used; `source` is `--flag` or the variable's name. */
export class InvalidValueError extends UsageError {
  constructor(
    readonly source: string,
    readonly value: string,
    expected: string,
    hint?: string,
  ) {
    super(`Invalid value for '${source}': '${value}' is not ${expected}.`, hint);
    this.name = 'InvalidValueError';
  }
}

/** No schedule of that name in the project (meltano.yml and its include files). */
export class ScheduleNotFoundError extends UserError {
  constructor(readonly schedule: string) {
    super(
      `Schedule '${schedule}' was not found.`,
      EXIT.failure,
      'see the schedules with: meltano-temporal schedule list',
    );
    this.name = 'ScheduleNotFoundError';
  }
}

/** No job of that name in the project; `schedule` is the schedule that names it, if any. */
export class JobNotFoundError extends UserError {
  constructor(
    readonly job: string,
    readonly schedule?: string,
  ) {
    super(
      `Job '${job}' was not found.`,
      EXIT.failure,
      schedule
        ? `add the job, or point the schedule at an existing one: meltano-temporal schedule set ${schedule} --job NAME`
        : 'see the jobs with: meltano-temporal job list',
    );
    this.name = 'JobNotFoundError';
  }
}

/** The schedule is in meltano.yml but has no Temporal Schedule yet (never synced, or deleted on the server). */
export class ScheduleNotSyncedError extends UserError {
  constructor(
    readonly schedule: string,
    readonly scheduleId: string,
    readonly namespace: string,
  ) {
    super(
      `Schedule '${schedule}' is not in Temporal yet (no schedule ${scheduleId} in namespace ${namespace}).`,
      EXIT.failure,
      'run: meltano-temporal sync',
    );
    this.name = 'ScheduleNotSyncedError';
  }
}

/** A Temporal Schedule at this project's id was made by another project: never updated or deleted. */
export class ScheduleOwnedElsewhereError extends UserError {
  constructor(
    readonly scheduleId: string,
    readonly owner: string,
  ) {
    super(
      `Schedule ${scheduleId} belongs to another project (created ${owner}); left untouched.`,
      EXIT.failure,
      'give this project its own key: a project_id in meltano.yml or MELTANO_TEMPORAL_PROJECT',
    );
    this.name = 'ScheduleOwnedElsewhereError';
  }
}

/** The Temporal server cannot be reached with the connection settings given. */
export class ServerUnreachableError extends UserError {
  constructor(
    readonly address: string,
    readonly namespace: string,
    cause: unknown,
    hint = 'start one (meltano-temporal up, or temporal server start-dev) or point TEMPORAL_ADDRESS at yours',
  ) {
    super(
      `Cannot reach the Temporal server at ${address} (namespace ${namespace}): ${(cause as Error)?.message ?? String(cause)}`,
      EXIT.failure,
      hint,
    );
    this.name = 'ServerUnreachableError';
  }
}

/** No run of that workflow id (and run id) in the namespace. */
export class RunNotFoundError extends UserError {
  constructor(
    readonly workflowId: string,
    readonly runId: string | undefined,
    readonly namespace: string,
  ) {
    super(
      `No run ${workflowId}${runId ? ` (run ${runId})` : ''} in namespace ${namespace}.`,
      EXIT.failure,
      'see the runs with: meltano-temporal runs',
    );
    this.name = 'RunNotFoundError';
  }
}

/** `runs retry` of a run that is not a job run, or has not failed (still running, or completed). */
export class RunNotRetryableError extends UserError {
  constructor(
    readonly workflowId: string,
    problem: string,
    hint?: string,
  ) {
    super(`Run ${workflowId} ${problem}`, EXIT.failure, hint);
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
      EXIT_OUTCOME_UNKNOWN,
      `look it up later: meltano-temporal runs logs ${workflowId}, or temporal workflow describe --workflow-id ${workflowId}`,
    );
    this.name = 'RunOutcomeUnknownError';
  }
}

/** The namespace does not exist on the server. */
export class NamespaceNotFoundError extends UserError {
  constructor(
    readonly namespace: string,
    readonly address: string,
  ) {
    super(
      `Namespace '${namespace}' does not exist on the Temporal server at ${address}.`,
      EXIT.failure,
      `create it (temporal operator namespace create --namespace ${namespace}) or pass --namespace / TEMPORAL_NAMESPACE with an existing one`,
    );
    this.name = 'NamespaceNotFoundError';
  }
}

/** The search attributes this tool needs are not registered in the namespace. */
export class SearchAttributesMissingError extends UserError {
  constructor(
    readonly namespace: string,
    readonly missing: readonly string[],
    cause: string,
  ) {
    super(
      `The namespace '${namespace}' lacks the search attributes ${missing.length ? missing.join(', ') : 'of meltano-temporal'}: ${cause}`,
      EXIT.failure,
      'run `meltano-temporal sync` once (it registers them), or register them as Keyword with `temporal operator search-attribute create`',
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
  constructor(message: string, hint: string) {
    super(message, EXIT.usage, hint);
    this.name = 'ProjectNotFoundError';
  }
}
