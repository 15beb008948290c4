/**
 * Errors a user can act on. Each names the file and the entry at fault and
 * says how to fix it; the CLI prints `message` and exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
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
    super(`${file}${entry ? `: ${entry}` : ''}: ${problem}`, 1, hint);
    this.name = 'ProjectFileError';
  }
}

/** Usage errors (wrong flags), exit code 2 like click's UsageError. */
export class UsageError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, 2, hint);
    this.name = 'UsageError';
  }
}

/** No Meltano project where one was looked for: exit code 2, as `meltano` exits outside a project. */
export class ProjectNotFoundError extends UserError {
  constructor(message: string, hint: string) {
    super(message, 2, hint);
    this.name = 'ProjectNotFoundError';
  }
}
