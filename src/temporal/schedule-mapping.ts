/**
 * A Meltano schedule as a Temporal Schedule: id, spec, action, policies and
 * memos, down to the options the SDK's create and update take. Pure data;
 * `sync` compares it with the server and applies it.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type {
  ScheduleDescription,
  ScheduleOptions,
  ScheduleOverlapPolicy,
  ScheduleUpdateOptions,
} from '@temporalio/client';
import type { Project, ScheduleDef } from '../project/model.js';
import { cronInterval, isValidInterval, badIntervalMessage } from '../project/interval.js';
import { ProjectFileError } from '../errors.js';
import { unusableJobError } from '../project/jobs.js';
import { selectedEnvironment, type SettingsInput } from '../project/settings.js';
import { effectiveStallTimeout } from './stall-timeout.js';
import { temporalAnnotations, type OverlapPolicyName, type TemporalAnnotations } from './annotations.js';
import { commonSdk } from './sdk.js';
import type { JobRunInput } from '../../workflows/types.js';
import {
  MANAGED_BY,
  SEARCH_ATTRIBUTE,
  SEARCH_ATTRIBUTE_NAMES,
  TASK_QUEUE_DEFAULT,
  WORKFLOW_TYPE,
  type ScheduleMemo,
  type ScheduledRunMemo,
} from '../../workflows/contract.js';
import { runStaticDetails, runStaticSummary, taskText } from '../../workflows/summary.js';
import { eltArgs, jobRunsInParallel } from '../project/resolve.js';
import { taskArgs } from '../project/tasks.js';
import { durationMs } from '../util/duration.js';
import { schedulePool } from './pools.js';
import { downstreamsOf } from './after.js';
import { upstreamsOf } from '../project/after-graph.js';
import { requireCustomWorkflow } from '../project/custom-workflows.js';

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
  /** Our job workflow, or the custom workflow `annotations.temporal.workflow` names. */
  workflowType: string;
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
  // A bad stall_timeout of its job or of the project is refused here, at sync, not at the first run.
  effectiveStallTimeout(ctx.project, { schedule });
  // So is a job's annotations.temporal.parallel that is not true or false.
  const parallelJob = schedule.kind === 'job' ? ctx.project.jobs.find((j) => j.name === schedule.job) : undefined;
  if (parallelJob) jobRunsInParallel(parallelJob.annotations, parallelJob.file, parallelJob.name);
  if (annotations.workflow) requireCustomWorkflow(ctx.project, schedule, annotations.workflow);
  const workflowType = annotations.workflow ?? WORKFLOW_TYPE;
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
  // annotations.temporal.task_queue routes this schedule's runs (workflow and tasks) to the workers polling it.
  const taskQueue = annotations.taskQueue ?? ctx.taskQueue ?? TASK_QUEUE_DEFAULT;
  // Only a schedule in a pool carries one: the input of every other schedule stays as it was.
  const pool = schedulePool(ctx.project, schedule, ctx.environment);
  // annotations.temporal.after: an upstream's input names the downstreams its success releases.
  const downstreams = downstreamsOf(ctx.project, schedule.name);
  const upstreams = upstreamsOf(schedule);
  const input: JobRunInput = {
    project: ctx.projectKey,
    schedule: schedule.name,
    ...(ctx.environment ? { environment: ctx.environment } : {}),
    ...(pool ? { pool } : {}),
    ...(downstreams.length ? { downstreams } : {}),
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
    // A custom workflow decides its tasks as it runs: the UI names the workflow instead.
    tasks: annotations.workflow ? [`custom workflow ${annotations.workflow}`] : tasks,
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
    // Only when set: the summary is hashed, and schedules without these keys keep their hash.
    ...(annotations.pauseAfterFailures ? { 'pause after failures': String(annotations.pauseAfterFailures) } : {}),
    ...(annotations.stallTimeout ? { 'stall timeout': annotations.stallTimeout } : {}),
    retry: JSON.stringify(annotations.policy),
    ...(pool ? { pool: `${pool.name} (size ${pool.size})` } : {}),
    ...(upstreams.length ? { after: upstreams.join(', ') } : {}),
    // Only when set: schedules of the job workflow keep the fingerprint they had.
    ...(annotations.workflow ? { workflow: annotations.workflow } : {}),
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
    workflowType,
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

/** meltano.yml's overlap names as the SDK's (which also has an undefined UNSPECIFIED we never write). */
export const OVERLAP_POLICY: Record<OverlapPolicyName, Exclude<ScheduleOverlapPolicy, undefined>> = {
  skip: 'SKIP',
  buffer_one: 'BUFFER_ONE',
  buffer_all: 'BUFFER_ALL',
  cancel_other: 'CANCEL_OTHER',
  terminate_other: 'TERMINATE_OTHER',
  allow_all: 'ALLOW_ALL',
};

/**
 * The sync hash of a desired schedule: everything sync writes (spec, action, policies,
 * attributes) and its owner. Stored in SYNC_HASH_ATTRIBUTE, read back from the listing.
 */
export function syncHash(d: DesiredSchedule, ctx: MappingContext): string {
  return createHash('sha256')
    .update(JSON.stringify({ form: 1, fingerprint: d.fingerprint, owner: ctx.owner, project: ctx.projectKey }))
    .digest('hex')
    .slice(0, 16);
}

/** The typed keys of the attributes every scheduled run carries, in SEARCH_ATTRIBUTE_NAMES order. */
const RUN_ATTRIBUTE_KEYS = [
  SEARCH_ATTRIBUTE.project,
  SEARCH_ATTRIBUTE.schedule,
  SEARCH_ATTRIBUTE.job,
  SEARCH_ATTRIBUTE.environment,
] as const;

/**
 * What `client.schedule.create` takes for `d`. `serverSpec` is the hash of the
 * server's compiled spec when already known (see sync/compiled-specs.ts), so
 * a hand edit of the spec can be told from the server's own rewriting of it.
 */
export function scheduleOptions(d: DesiredSchedule, ctx: MappingContext, serverSpec?: string): ScheduleOptions {
  const { TypedSearchAttributes } = commonSdk();
  const memo: ScheduleMemo = {
    managedBy: MANAGED_BY,
    project: ctx.projectKey,
    projectId: ctx.owner,
    environment: ctx.environment ?? 'default',
    schedule: d.schedule.name,
  };
  const actionMemo: ScheduledRunMemo = {
    fingerprint: d.fingerprint,
    summary: d.summary,
    ...(serverSpec ? { serverSpec } : {}),
  };
  const { annotations } = d;
  return {
    scheduleId: d.id,
    spec: {
      ...(d.cron ? { cronExpressions: [d.cron] } : {}),
      ...(annotations.timezone ? { timezone: annotations.timezone } : {}),
      // Milliseconds: the annotation was parsed and checked already, and the SDK takes numbers as ms.
      ...(annotations.jitter ? { jitter: durationMs(annotations.jitter) } : {}),
    },
    action: {
      type: 'startWorkflow',
      // The name, not the function: importing the workflow would load @temporalio/workflow into every sync.
      workflowType: d.workflowType,
      taskQueue: d.taskQueue,
      workflowId: d.id,
      args: [d.input],
      staticSummary: d.staticSummary,
      staticDetails: d.staticDetails,
      memo: actionMemo,
      typedSearchAttributes: RUN_ATTRIBUTE_KEYS.map((key) => ({ key, value: d.searchAttributes[key.name] })),
    },
    policies: {
      overlap: OVERLAP_POLICY[annotations.overlap],
      catchupWindow: durationMs(annotations.catchupWindow),
      pauseOnFailure: annotations.pauseOnFailure,
    },
    memo,
    typedSearchAttributes: new TypedSearchAttributes([{ key: SEARCH_ATTRIBUTE.syncHash, value: syncHash(d, ctx) }]),
    state: { paused: annotations.paused, note: `managed by ${MANAGED_BY} from meltano.yml (${d.schedule.file})` },
  };
}

/**
 * What `handle.update` takes to bring `current` to `next`: everything sync writes, and the
 * state (paused, note) as the server holds it, so an operator's pause survives a sync.
 * The memo is left out: the server never updates it.
 */
export function scheduleUpdate(next: ScheduleOptions, current: ScheduleDescription): ScheduleUpdateOptions {
  return {
    spec: next.spec,
    action: next.action,
    ...(next.policies ? { policies: next.policies } : {}),
    ...(next.typedSearchAttributes ? { typedSearchAttributes: next.typedSearchAttributes } : {}),
    state: current.state,
  };
}

/** `current` unchanged but for `serverSpec` (the hash of its compiled spec) in its action's memo. */
export function withServerSpec(current: ScheduleDescription, serverSpec: string): ScheduleUpdateOptions {
  return {
    ...current,
    action: { ...current.action, memo: { ...(current.action.memo ?? {}), serverSpec } },
  };
}
