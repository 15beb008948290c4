/**
 * Jobs and schedules by name, including the ones that exist but cannot be
 * read (recorded in `project.problems`): an edit must find those too, and a
 * message about them must say "invalid", not "not found".
 */
import { ProjectFileError, UserError } from '../errors.js';
import type { EntryProblem, JobDef, Project, ScheduleDef } from './model.js';

/** Where an entry is: its file and index, valid or not. */
export interface EntryPlace {
  file: string;
  index: number;
}

export type Lookup<T> = { found: T } | { invalid: EntryProblem & EntryPlace } | { missing: true };

function invalidEntry(
  project: Project,
  kind: EntryProblem['kind'],
  name: string,
): (EntryProblem & EntryPlace) | undefined {
  const problem = project.problems.find((p) => p.kind === kind && p.named && p.name === name);
  return problem && problem.index !== undefined ? { ...problem, index: problem.index } : undefined;
}

export function lookupJob(project: Project, name: string): Lookup<JobDef> {
  const job = project.jobs.find((j) => j.name === name);
  if (job) return { found: job };
  const invalid = invalidEntry(project, 'job', name);
  return invalid ? { invalid } : { missing: true };
}

export function lookupSchedule(project: Project, name: string): Lookup<ScheduleDef> {
  const schedule = project.schedules.find((s) => s.name === name);
  if (schedule) return { found: schedule };
  const invalid = invalidEntry(project, 'schedule', name);
  return invalid ? { invalid } : { missing: true };
}

/** The entry as written in its file (for an invalid one, whose fields the model does not hold). */
export function rawEntry(project: Project, kind: 'jobs' | 'schedules', place: EntryPlace): Record<string, unknown> {
  const data = project.files.find((f) => f.relPath === place.file)?.data as Record<string, unknown> | undefined;
  const list = data?.[kind];
  const entry = Array.isArray(list) ? (list[place.index] as unknown) : undefined;
  return entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Record<string, unknown>) : {};
}

/**
 * Why job `name` cannot be used (by schedule `schedule`, when given): invalid,
 * with its file, the reason and the fix, or not found, with the fixes.
 * For `schedule list`, `sync`, `doctor` and the worker's `resolveJob`.
 */
export function unusableJobError(project: Project, name: string, schedule?: string): UserError {
  const where = schedule ? project.schedules.find((s) => s.name === schedule) : undefined;
  const file = where?.file ?? project.problems.find((p) => p.kind === 'schedule' && p.name === schedule)?.file;
  const lookup = lookupJob(project, name);
  if ('invalid' in lookup) {
    const { invalid } = lookup;
    const fix = invalid.fix ?? `correct job '${name}' in ${invalid.file}`;
    if (schedule && file)
      return new ProjectFileError(
        file,
        `schedule '${schedule}'`,
        `job '${name}' (${invalid.file}) is invalid: ${invalid.reason ?? invalid.message}.`,
        { hint: fix },
      );
    return new ProjectFileError(
      invalid.file,
      undefined,
      `job '${name}' is invalid: ${invalid.reason ?? invalid.message}.`,
      { hint: fix },
    );
  }
  if (schedule && file)
    return new ProjectFileError(file, `schedule '${schedule}'`, `Job '${name}' was not found.`, {
      hint: `add the job (meltano-temporal job add ${name} --tasks ...) or point the schedule at an existing one (meltano-temporal schedule set ${schedule} --job NAME)`,
    });
  return new UserError(`Job '${name}' was not found.`, {
    hint: `add the job (meltano-temporal job add ${name} --tasks ...) or see the jobs with: meltano-temporal job list`,
  });
}
