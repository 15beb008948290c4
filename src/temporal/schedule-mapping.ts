/**
 * A Meltano schedule as a Temporal Schedule: id, spec, action and policies.
 * Pure data; `sync` compares it with the server and applies it.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Project, ScheduleDef } from '../project/model.js';
import { cronInterval, isValidInterval, badIntervalMessage } from '../project/interval.js';
import { ProjectFileError } from '../errors.js';
import { unusableJobError } from '../project/jobs.js';
import { selectedEnvironment, type SettingsInput } from '../project/settings.js';
import { temporalAnnotations, type TemporalAnnotations } from './annotations.js';
import type { JobRunInput } from '../../workflows/types.js';
import { SEARCH_ATTRIBUTE, TASK_QUEUE_DEFAULT, type SEARCH_ATTRIBUTE_NAMES } from '../../workflows/contract.js';
import { runStaticDetails, runStaticSummary, taskText } from '../../workflows/summary.js';
import { eltArgs } from '../project/resolve.js';
import { taskArgs } from '../project/tasks.js';

/** Where the project part of schedule ids and the ownership mark come from. */
type ProjectIdentitySource = Pick<Project, 'root' | 'projectId'>;

/** A short, stable tag of a project_id (UUIDv7 ids share their leading digits, so hash the whole id). */
function projectTag(projectId: string): string {
  return createHash('sha256').update(projectId).digest('hex').slice(0, 8);
}

/**
 * The project part of schedule ids: MELTANO_TEMPORAL_PROJECT as given, else
 * the directory's name plus a tag of meltano.yml's `project_id` (`elt-3f9a1c2b`),
 * so two projects in directories of the same name never share ids; the
 * directory's name alone when meltano.yml has no `project_id`.
 */
export function projectName(project: ProjectIdentitySource, env: NodeJS.ProcessEnv = process.env): string {
  if (env.MELTANO_TEMPORAL_PROJECT) return env.MELTANO_TEMPORAL_PROJECT;
  const base = path.basename(project.root);
  return project.projectId ? `${base}-${projectTag(project.projectId)}` : base;
}

/** The project part of ids written before ownership marks (0.1.0): the override, else the directory's name. */
export function legacyProjectName(project: Pick<Project, 'root'>, env: NodeJS.ProcessEnv = process.env): string {
  return env.MELTANO_TEMPORAL_PROJECT || path.basename(project.root);
}

/**
 * Who owns a schedule, as marked in its memo: meltano.yml's `project_id`, else
 * (no project_id) `dir:<directory name>`, which two same-named directories share.
 */
export function projectOwner(project: ProjectIdentitySource): string {
  return project.projectId ?? `dir:${path.basename(project.root)}`;
}

/**
 * The environment schedules run in, chosen as Meltano chooses it: --environment, else MELTANO_ENVIRONMENT
 * (the process's, else the project's .env), else default_environment.
 */
export function environmentName(
  project: SettingsInput,
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return selectedEnvironment(project, env, explicit).name;
}

/** `meltano:<project>:<environment>:<schedule>`: unique per project and environment in a namespace. */
export function scheduleId(projectKey: string, environment: string | undefined, schedule: string): string {
  return `meltano:${projectKey}:${environment ?? 'default'}:${schedule}`;
}

export interface DesiredSchedule {
  id: string;
  schedule: ScheduleDef;
  job: string;
  cron: string | null;
  annotations: TemporalAnnotations;
  input: JobRunInput;
  taskQueue: string;
  searchAttributes: Record<(typeof SEARCH_ATTRIBUTE_NAMES)[number], string>;
  /** Human-readable facts compared and shown in the plan (`~ update interval: @daily -> @hourly`). */
  summary: Record<string, string>;
  /** What the UI's schedule list and each run show: the schedule's tasks, project and environment. */
  staticSummary: string;
  staticDetails: string;
  /** Hash of everything above that the server holds. */
  fingerprint: string;
}

export interface MappingContext {
  project: Project;
  projectKey: string;
  /** The ownership mark (`projectOwner`): sync touches only schedules carrying it. */
  owner: string;
  /** The project key of ids written before ownership marks, to migrate them. */
  legacyProjectKey: string;
  environment: string | undefined;
  taskQueue?: string;
}

export function desiredSchedule(ctx: MappingContext, schedule: ScheduleDef): DesiredSchedule {
  // `interval: 42`: Meltano lists it, but neither its cron check nor a Temporal spec can use a number.
  if (schedule.intervalScalar !== undefined) {
    const kind = typeof schedule.intervalScalar === 'boolean' ? 'a YAML boolean' : 'a YAML number';
    throw new ProjectFileError(
      schedule.file,
      `schedule '${schedule.name}'`,
      `interval ${schedule.interval} is ${kind}, not a cron expression or preset, so no Temporal schedule can be made of it`,
      {
        hint: `give it a preset or 5-field cron as a string: meltano-temporal schedule set ${schedule.name} --interval '@daily' (or write it quoted in ${schedule.file}, e.g. interval: '0 */6 * * *')`,
      },
    );
  }
  if (schedule.interval !== null && !isValidInterval(schedule.interval)) {
    throw new ProjectFileError(schedule.file, `schedule '${schedule.name}'`, badIntervalMessage(schedule.interval), {
      hint: "use a preset such as '@daily' or 5-field cron such as '0 */6 * * *'",
    });
  }
  // A job that exists but cannot be read is named as invalid, with its own fix; a missing one as not found.
  if (schedule.kind === 'job' && !ctx.project.jobs.some((j) => j.name === schedule.job))
    throw unusableJobError(ctx.project, schedule.job, schedule.name);
  const annotations = temporalAnnotations(schedule);
  // Meltano lower-cases intervals before validating them; Temporal needs the cron itself.
  const cron =
    schedule.interval === null
      ? null
      : cronInterval(
          schedule.interval.trim().toLowerCase().startsWith('@')
            ? schedule.interval.trim().toLowerCase()
            : schedule.interval.trim(),
        );
  const job = schedule.kind === 'job' ? schedule.job : `${schedule.extractor} ${schedule.loader}`;
  const taskQueue = ctx.taskQueue ?? TASK_QUEUE_DEFAULT;
  const input: JobRunInput = {
    project: ctx.projectKey,
    schedule: schedule.name,
    ...(ctx.environment ? { environment: ctx.environment } : {}),
  };
  const tasks =
    schedule.kind === 'job'
      ? taskArgs(ctx.project.jobs.find((j) => j.name === schedule.job)?.tasks ?? []).map((args) => args.join(' '))
      : [taskText({ command: 'elt', args: eltArgs(schedule) })];
  const id = scheduleId(ctx.projectKey, ctx.environment, schedule.name);
  const description = {
    project: ctx.projectKey,
    environment: ctx.environment ?? 'default',
    schedule: schedule.name,
    interval: schedule.interval,
    job: schedule.kind === 'job' ? schedule.job : schedule.name,
    tasks,
    origin: { kind: 'schedule' as const, scheduleId: id },
  };
  const summary: Record<string, string> = {
    interval: schedule.interval ?? '(none)',
    // The tasks are in the UI summary of the schedule and its runs: a job edit updates the schedule.
    tasks: tasks.join(' → '),
    cron: cron ?? 'manual only',
    job,
    'task queue': taskQueue,
    timezone: annotations.timezone ?? 'UTC',
    overlap: annotations.overlap,
    'catch-up window': annotations.catchupWindow,
    jitter: annotations.jitter ?? 'none',
    'pause on failure': String(annotations.pauseOnFailure),
    retry: JSON.stringify(annotations.policy),
  };
  // In SEARCH_ATTRIBUTE_NAMES order: the fingerprint below hashes them as listed.
  const searchAttributes = {
    [SEARCH_ATTRIBUTE.project.name]: ctx.projectKey,
    [SEARCH_ATTRIBUTE.schedule.name]: schedule.name,
    [SEARCH_ATTRIBUTE.job.name]: job,
    [SEARCH_ATTRIBUTE.environment.name]: ctx.environment ?? 'default',
  };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ summary, input, searchAttributes }))
    .digest('hex')
    .slice(0, 16);
  return {
    id,
    staticSummary: runStaticSummary(description),
    staticDetails: runStaticDetails(description),
    schedule,
    job,
    cron,
    annotations,
    input,
    taskQueue,
    searchAttributes,
    summary,
    fingerprint,
  };
}
