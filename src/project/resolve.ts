/**
 * What a schedule runs: its job's top-level tasks (one `meltano run` each),
 * or the one `meltano elt` of a legacy elt schedule. Shared by the worker's
 * `resolveJob` activity and `schedule run --local`, so both run the same.
 */
import { JobNotFoundError, ProjectFileError, ScheduleNotInProjectError } from '../errors.js';
import { findJob, findSchedule, type EltSchedule, type Project, type ScheduleDef } from './model.js';
import { parallelTaskArgs, taskArgs, type GroupPlace } from './tasks.js';
import { lookupJob, unusableJobError } from './jobs.js';

export interface RunnableTask {
  /** 0-based position in the job. */
  index: number;
  command: 'run' | 'elt';
  /** Words after `meltano run` (or after `meltano elt`). */
  args: string[];
  /** `annotations.temporal.parallel`: the item's place in its parallel group. */
  group?: GroupPlace;
}

export interface RunnableJob {
  /** The job's name; for an elt schedule, the schedule's. */
  job: string;
  tasks: RunnableTask[];
}

/** The arguments of `meltano elt` for a legacy elt schedule, as `meltano schedule run` builds them. */
export function eltArgs(s: EltSchedule): string[] {
  return [s.extractor, s.loader, `--transform=${s.transform}`, `--state-id=${s.name}`];
}

/**
 * A schedule by name; when the entry exists but could not be read, the
 * problem found while loading it.
 * @throws {ProjectFileError} the schedule's entry in meltano.yml is broken
 * @throws {ScheduleNotInProjectError} no schedule of that name
 */
export function requireSchedule(project: Project, name: string): ScheduleDef {
  const schedule = findSchedule(project, name);
  if (schedule) return schedule;
  const problem = project.problems.find((p) => p.kind === 'schedule' && p.name === name);
  if (problem) throw new ProjectFileError(problem.file, undefined, problem.message, { hint: problem.fix });
  throw new ScheduleNotInProjectError(name);
}

/**
 * The tasks of a job.
 * @throws {JobNotFoundError} no job of that name
 * @throws {ProjectFileError} the job exists but is invalid (named as such, never "not found"), or has no tasks
 */
export function jobTasks(project: Project, name: string, schedule?: string): RunnableJob {
  const job = findJob(project, name);
  if (!job) {
    if ('invalid' in lookupJob(project, name)) throw unusableJobError(project, name, schedule);
    throw new JobNotFoundError(name, schedule);
  }
  const tasks = jobRunsInParallel(job.annotations, job.file, name)
    ? parallelTaskArgs(job.tasks).map((t, index) => ({ index, command: 'run' as const, ...t }))
    : taskArgs(job.tasks).map((args, index) => ({ index, command: 'run' as const, args }));
  if (tasks.length === 0) throw new ProjectFileError(job.file, `job '${name}'`, 'has no tasks');
  return { job: name, tasks };
}

/**
 * The tasks a schedule runs.
 * @throws {ScheduleNotInProjectError} no schedule of that name
 * @throws {ProjectFileError} the schedule's entry is broken, or its job is invalid or has no tasks
 * @throws {JobNotFoundError} the schedule's job does not exist
 */
export function scheduleTasks(project: Project, name: string): RunnableJob {
  const schedule = requireSchedule(project, name);
  if (schedule.kind === 'elt') {
    return { job: schedule.name, tasks: [{ index: 0, command: 'elt', args: eltArgs(schedule) }] };
  }
  return jobTasks(project, schedule.job, schedule.name);
}

/**
 * `annotations.temporal.parallel: true` on a job: the items of its inner task lists run at the same time.
 * @throws {ProjectFileError} the value is not true or false
 */
export function jobRunsInParallel(
  annotations: Record<string, unknown> | undefined,
  file: string,
  job: string,
): boolean {
  const temporal = annotations?.temporal;
  const value = temporal && typeof temporal === 'object' ? (temporal as Record<string, unknown>).parallel : undefined;
  if (value === undefined || typeof value === 'boolean') return value === true;
  throw new ProjectFileError(
    file,
    `job '${job}' annotations.temporal.parallel`,
    `must be true or false, not ${JSON.stringify(value)}`,
    {
      hint: 'write annotations: {temporal: {parallel: true}} on the job, or remove the key',
    },
  );
}
