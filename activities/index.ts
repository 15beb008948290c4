/**
 * The activities the worker registers, built from what they depend on (the
 * project this worker serves) rather than module state, so tests and
 * several workers in one process each get their own.
 */
import type {
  JobRunInput,
  ReadTaskLogInput,
  ReadTaskLogResult,
  ResolvedJob,
  TaskActivityInput,
  TaskResult,
} from '../workflows/types.js';
import { resolveJob } from './resolve-job.js';
import { runMeltanoTask } from './run-meltano-task.js';
import { notifyRun } from './notify-run.js';
import { pauseAfterFailures, type PauseAfterFailuresInput } from './pause-after-failures.js';
import type { StreakOutcome } from '../src/temporal/failure-streak.js';
import { readTaskLog } from './read-task-log.js';
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
  /** The shared folder each finished task log is copied to (MELTANO_TEMPORAL_LOG_ARCHIVE). */
  logArchive?: string;
}

/** The activities under the names the contract gives them (the names runs record). */
export function createActivities(deps: ActivityDeps) {
  return {
    [ACTIVITY.resolveJob]: (input: JobRunInput): Promise<ResolvedJob> => resolveJob(deps, input),
    [ACTIVITY.runMeltanoTask]: (input: TaskActivityInput): Promise<TaskResult> => runMeltanoTask(deps, input),
    [ACTIVITY.notifyRun]: (input: NotifyRunInput): Promise<NoticeOutcome> => notifyRun(deps, input),
    [ACTIVITY.pauseAfterFailures]: (input: PauseAfterFailuresInput): Promise<StreakOutcome> =>
      pauseAfterFailures(input),
  } satisfies Record<Exclude<ActivityName, LogActivityName>, (input: never) => Promise<unknown>>;
}

type LogActivityName = typeof ACTIVITY.readTaskLog;

/** The activities of the worker's log queue (`logQueueOf`): its task logs, for `runs logs` on other hosts. */
export function createLogActivities(deps: Pick<ActivityDeps, 'projectRoot'>) {
  return {
    [ACTIVITY.readTaskLog]: (input: ReadTaskLogInput): Promise<ReadTaskLogResult> => readTaskLog(deps, input),
  } satisfies Record<LogActivityName, (input: never) => Promise<unknown>>;
}

export type LogActivities = ReturnType<typeof createLogActivities>;

export type Activities = ReturnType<typeof createActivities>;
