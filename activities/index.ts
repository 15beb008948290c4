/**
 * The activities the worker registers, built from what they depend on (the
 * project this worker serves) rather than module state, so tests and
 * several workers in one process each get their own.
 */
import type { JobRunInput, ResolvedJob, TaskActivityInput, TaskResult } from '../workflows/types.js';
import { resolveJob } from './resolve-job.js';
import { runMeltanoTask } from './run-meltano-task.js';
import { notifyRun } from './notify-run.js';
import { pauseAfterFailures, type PauseAfterFailuresInput } from './pause-after-failures.js';
import type { StreakOutcome } from '../src/temporal/failure-streak.js';
import type { NoticeOutcome, NotifyRunInput } from '../src/notify/notifier.js';
import { ACTIVITY, type ActivityName } from '../workflows/contract.js';

export interface ActivityDeps {
  /**
   * The project this worker serves. Runs started by Temporal Schedules carry
   * the project's name, not a path: each worker resolves it to its own
   * checkout, so the same schedules work whatever the path on each host.
   */
  projectRoot: string;
  /** Base URL of the Temporal Web UI, for links to runs in notifications. */
  uiUrl?: string;
}

/** The activities under the names the contract gives them (the names runs record). */
export function createActivities(deps: ActivityDeps) {
  return {
    [ACTIVITY.resolveJob]: (input: JobRunInput): Promise<ResolvedJob> => resolveJob(deps, input),
    [ACTIVITY.runMeltanoTask]: (input: TaskActivityInput): Promise<TaskResult> => runMeltanoTask(deps, input),
    [ACTIVITY.notifyRun]: (input: NotifyRunInput): Promise<NoticeOutcome> => notifyRun(deps, input),
    [ACTIVITY.pauseAfterFailures]: (input: PauseAfterFailuresInput): Promise<StreakOutcome> =>
      pauseAfterFailures(input),
  } satisfies Record<ActivityName, (input: never) => Promise<unknown>>;
}

export type Activities = ReturnType<typeof createActivities>;
