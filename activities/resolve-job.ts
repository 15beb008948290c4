/**
 * Resolve what a run executes from meltano.yml on the worker, so a run
 * always uses the deployed configuration; the history records the result
 * (task words and retry settings, never env values).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { UserError } from '../src/project/errors.js';
import { loadProject } from '../src/project/load.js';
import { eltArgs } from '../src/project/listing.js';
import { taskArgs } from '../src/project/tasks.js';
import { DEFAULT_POLICY, temporalAnnotations } from '../src/temporal/annotations.js';
import type { JobRunInput, ResolvedJob } from '../workflows/types.js';
import { projectRootFor } from './worker-project.js';

function configError(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'MeltanoConfigError', message, nonRetryable: true });
}

export async function resolveJob(input: JobRunInput): Promise<ResolvedJob> {
  try {
    const project = loadProject({ root: projectRootFor(input) });
    if (input.schedule) {
      const schedule = project.schedules.find((s) => s.name === input.schedule);
      if (!schedule) {
        const problem = project.problems.find((p) => p.kind === 'schedule' && p.name === input.schedule);
        throw configError(
          problem
            ? `${problem.file}: ${problem.message}`
            : `Schedule '${input.schedule}' was not found in ${project.root}/meltano.yml.`,
        );
      }
      const { policy } = temporalAnnotations(schedule);
      if (schedule.kind === 'elt') {
        return {
          job: schedule.name,
          schedule: schedule.name,
          policy,
          tasks: [{ index: 0, command: 'elt', args: eltArgs(schedule) }],
        };
      }
      return resolveNamedJob(project, schedule.job, schedule.name, policy);
    }
    if (!input.job) throw configError('The run names neither a schedule nor a job.');
    return resolveNamedJob(project, input.job, undefined, DEFAULT_POLICY);
  } catch (err) {
    if (err instanceof UserError) throw configError(err.describe());
    throw err;
  }
}

function resolveNamedJob(
  project: ReturnType<typeof loadProject>,
  name: string,
  schedule: string | undefined,
  policy: ResolvedJob['policy'],
): ResolvedJob {
  const job = project.jobs.find((j) => j.name === name);
  if (!job) throw configError(`Job '${name}' was not found.${schedule ? ` (schedule '${schedule}')` : ''}`);
  const tasks = taskArgs(job.tasks).map((args, index) => ({ index, command: 'run' as const, args }));
  if (tasks.length === 0) throw configError(`Job '${name}' has no tasks.`);
  return { job: name, ...(schedule ? { schedule } : {}), policy, tasks };
}
