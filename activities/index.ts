/**
 * The activities the worker registers, built from what they depend on (the
 * project this worker serves) rather than module state, so tests and
 * several workers in one process each get their own.
 */
import type { JobRunInput, ResolvedJob, TaskActivityInput, TaskResult } from '../workflows/types.js';
import { resolveJob } from './resolve-job.js';
import { runMeltanoTask } from './run-task.js';

export interface ActivityDeps {
  /**
   * The project this worker serves. Runs started by Temporal Schedules carry
   * the project's name, not a path: each worker resolves it to its own
   * checkout, so the same schedules work whatever the path on each host.
   */
  projectRoot: string;
}

export function createActivities(deps: ActivityDeps) {
  return {
    resolveJob: (input: JobRunInput): Promise<ResolvedJob> => resolveJob(deps, input),
    runMeltanoTask: (input: TaskActivityInput): Promise<TaskResult> => runMeltanoTask(deps, input),
  };
}

export type Activities = ReturnType<typeof createActivities>;
