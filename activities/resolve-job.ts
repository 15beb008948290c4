/**
 * Resolve what a run executes from meltano.yml on the worker, so a run
 * always uses the deployed configuration; the history records the result
 * (task words and retry settings, never env values).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { runContextOf } from '../src/temporal/run-interval.js';
import { runProvenance } from '../src/meltano/provenance.js';
import { locateMeltano } from '../src/meltano/executable.js';
import { UserError } from '../src/errors.js';
import { loadProject } from '../src/project/load.js';
import { jobTasks, requireSchedule, scheduleTasks } from '../src/project/resolve.js';
import { DEFAULT_POLICY, temporalAnnotations } from '../src/temporal/annotations.js';
import type { JobRunInput, ResolvedJob, RunContext } from '../workflows/types.js';
import { FAILURE } from '../workflows/contract.js';
import { effectiveNotifySettings, notifyPlan, projectNotifySettings, type NotifyPlan } from '../src/notify/settings.js';
import type { Project, ScheduleDef } from '../src/project/model.js';
import { effectiveStallTimeout } from '../src/temporal/stall-timeout.js';
import type { ActivityDeps } from './index.js';

/**
 * When the run notifies (events and deadline, no URL). A broken worker-wide
 * default (MELTANO_TEMPORAL_NOTIFY_*) costs the alerts, never the run; the
 * worker reports it when it starts.
 */
function notifyPlanFor(project: Project, schedule: ScheduleDef): NotifyPlan | undefined {
  // A broken notify in meltano.yml (the schedule's or the project's) fails the run like any bad setting there.
  const own = temporalAnnotations(schedule).notify;
  const projectDefault = projectNotifySettings(project);
  try {
    return notifyPlan(effectiveNotifySettings(own, process.env, projectDefault));
  } catch (err) {
    if (err instanceof UserError) return undefined;
    throw err;
  }
}

function configError(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FAILURE.meltanoConfig, message, nonRetryable: true });
}

/**
 * The time the run stands for (src/temporal/run-interval.ts), worked out once here so every
 * task of the run gets the same one and the history records it. None without a client
 * (an activity test environment) or outside an activity (the orchestration bench times it in-process).
 */
async function currentRunContext(): Promise<RunContext | undefined> {
  let ctx: Context;
  let client: Context['client'];
  try {
    ctx = Context.current();
    client = ctx.client;
  } catch {
    return undefined;
  }
  const run = ctx.info.workflowExecution;
  return run ? runContextOf(client, run.workflowId, run.runId) : undefined;
}

export async function resolveJob(deps: ActivityDeps, input: JobRunInput): Promise<ResolvedJob> {
  const root = input.projectRoot ?? deps.projectRoot;
  // Read once: the tasks and the provenance's configuration hash come from the same files.
  const project = configErrors(() => loadProject({ root }));
  const resolved = configErrors(() => resolveTasks(project, input));
  const located = locateMeltano(root);
  const [runContext, provenance] = await Promise.all([
    currentRunContext(),
    runProvenance(project, resolved.tasks, 'found' in located ? { meltano: located.found } : {}),
  ]);
  return { ...resolved, ...(runContext ? { runContext } : {}), provenance };
}

/** A bad meltano.yml fails the run as a configuration error: not retried, its message and fix kept. */
function configErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UserError) throw configError(err.describe());
    throw err;
  }
}

function resolveTasks(project: Project, input: JobRunInput): ResolvedJob {
  if (input.schedule) {
    const schedule = requireSchedule(project, input.schedule);
    const annotations = temporalAnnotations(schedule);
    const notify = notifyPlanFor(project, schedule);
    const stall = effectiveStallTimeout(project, { schedule });
    return {
      ...scheduleTasks(project, input.schedule),
      schedule: input.schedule,
      // Keys only when set: a run's recorded policy stays as before for schedules without them.
      policy: { ...annotations.policy, ...(stall ? { stallTimeout: stall.value } : {}) },
      ...(notify ? { notify } : {}),
      ...(annotations.pauseAfterFailures ? { pauseAfterFailures: annotations.pauseAfterFailures } : {}),
    };
  }
  if (!input.job) throw configError('The run names neither a schedule nor a job.');
  const stall = effectiveStallTimeout(project, { job: input.job });
  return {
    ...jobTasks(project, input.job),
    policy: { ...DEFAULT_POLICY, ...(stall ? { stallTimeout: stall.value } : {}) },
  };
}
