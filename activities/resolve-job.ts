/**
 * Resolve what a run executes from meltano.yml on the worker, so a run
 * always uses the deployed configuration; the history records the result
 * (task words and retry settings, never env values).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { UserError } from '../src/project/errors.js';
import { loadProject } from '../src/project/load.js';
import { jobTasks, requireSchedule, scheduleTasks } from '../src/project/resolve.js';
import { DEFAULT_POLICY, temporalAnnotations } from '../src/temporal/annotations.js';
import type { JobRunInput, ResolvedJob } from '../workflows/types.js';
import type { ActivityDeps } from './index.js';

function configError(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'MeltanoConfigError', message, nonRetryable: true });
}

export async function resolveJob(deps: ActivityDeps, input: JobRunInput): Promise<ResolvedJob> {
  try {
    const project = loadProject({ root: input.projectRoot ?? deps.projectRoot });
    if (input.schedule) {
      const { policy } = temporalAnnotations(requireSchedule(project, input.schedule));
      return { ...scheduleTasks(project, input.schedule), schedule: input.schedule, policy };
    }
    if (!input.job) throw configError('The run names neither a schedule nor a job.');
    return { ...jobTasks(project, input.job), policy: DEFAULT_POLICY };
  } catch (err) {
    if (err instanceof UserError) throw configError(err.describe());
    throw err;
  }
}
