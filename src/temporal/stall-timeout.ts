/**
 * Which `stall_timeout` a run's tasks get: the schedule's own
 * (`annotations.temporal.stall_timeout`), else its job's, else the project's
 * default in the top-level `annotations.temporal` of meltano.yml (Meltano
 * accepts a top-level `annotations` mapping and never reads it); none of
 * them set, tasks never stall out (only `task_timeout` ends them).
 */
import { ProjectFileError } from '../errors.js';
import { findJob, type Project, type ScheduleDef } from '../project/model.js';
import { mergedTopLevel } from '../project/settings.js';
import { durationMs } from '../util/duration.js';
import { temporalAnnotations } from './annotations.js';

/** Where the value came from, for `schedule describe` and messages. */
export interface StallTimeout {
  value: string;
  source: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `stall_timeout` of an `annotations:` mapping that is not a schedule's (a job's, the project's).
 * Other keys of `annotations.temporal` are left to whoever reads them.
 * @throws {ProjectFileError} not a duration
 */
function readStallTimeout(annotations: unknown, file: string, entry: string): string | undefined {
  if (!isRecord(annotations)) return undefined;
  const temporal = annotations.temporal;
  if (temporal === undefined) return undefined;
  if (!isRecord(temporal))
    throw new ProjectFileError(file, `${entry} annotations.temporal`, 'must be a mapping', {
      hint: "write annotations: {temporal: {stall_timeout: '30m'}}",
    });
  const value = temporal.stall_timeout;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(durationMs(value) > 0))
    throw new ProjectFileError(
      file,
      `${entry} annotations.temporal.stall_timeout`,
      `must be a duration such as '30s', '5m' or '2h', not ${JSON.stringify(value)}`,
      { hint: "set stall_timeout: '30m'" },
    );
  return value;
}

/** The project-wide default: top-level `annotations.temporal.stall_timeout` (merged over the included files). */
export function projectStallTimeout(project: Pick<Project, 'files'>): StallTimeout | undefined {
  const value = readStallTimeout(mergedTopLevel(project.files, 'annotations'), 'meltano.yml', 'top-level');
  return value ? { value, source: 'the project (top-level annotations)' } : undefined;
}

/** A job's own `annotations.temporal.stall_timeout`. */
export function jobStallTimeout(project: Project, jobName: string): StallTimeout | undefined {
  const job = findJob(project, jobName);
  if (!job) return undefined;
  const value = readStallTimeout(job.annotations, job.file, `job '${job.name}'`);
  return value ? { value, source: `job '${job.name}'` } : undefined;
}

/**
 * The timeout for a schedule's run or a job's ad hoc run: the schedule's, the job's, the project's.
 * @throws {ProjectFileError} one of them is not a duration
 */
export function effectiveStallTimeout(
  project: Project,
  target: { schedule: ScheduleDef } | { job: string },
): StallTimeout | undefined {
  if ('schedule' in target) {
    const own = temporalAnnotations(target.schedule).stallTimeout;
    if (own) return { value: own, source: `schedule '${target.schedule.name}'` };
    const fromJob = target.schedule.kind === 'job' ? jobStallTimeout(project, target.schedule.job) : undefined;
    return fromJob ?? projectStallTimeout(project);
  }
  return jobStallTimeout(project, target.job) ?? projectStallTimeout(project);
}
