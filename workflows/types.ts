import type { MeltanoRunOptions } from '../src/meltano/run-options.js';
import type { NotifyPlan } from '../src/notify/settings.js';

/**
 * Data exchanged between the job workflow, its activities and clients (the
 * names they are exchanged under are in ./contract.ts). Everything here lands
 * in Temporal history: names and arguments only, never env values or other
 * secrets (those are resolved on the worker).
 */

export interface JobRunInput {
  /** Project name (the schedule id's project part); a worker refuses runs of another project. */
  project?: string;
  /** Absolute project root; omitted, each worker uses the project it serves. */
  projectRoot?: string;
  /** The schedule to run (its job or elt definition is resolved on the worker). */
  schedule?: string;
  /** Or a job to run ad hoc, without a schedule. */
  job?: string;
  /** Meltano environment (`--environment`); omitted: Meltano's own default. */
  environment?: string;
  /** `meltano run` options of a manual run, passed to every task. */
  runOptions?: MeltanoRunOptions;
  /** `runs retry`: skip the tasks before `fromTask` (they completed in the original run). */
  resume?: { fromTask: number; retryOf: { workflowId: string; runId: string } };
}

/** Retry and timeout settings of the task activities (from `annotations.temporal`). */
export interface TaskPolicy {
  maximumAttempts: number;
  initialInterval: string;
  backoffCoefficient: number;
  maximumInterval: string;
  taskTimeout: string;
  heartbeatTimeout: string;
}

export interface ResolvedTask {
  /** 0-based position in the job. */
  index: number;
  /** Words after `meltano run` (or after `meltano elt` for legacy elt schedules). */
  args: string[];
  command: 'run' | 'elt';
}

export interface ResolvedJob {
  job: string;
  schedule?: string;
  tasks: ResolvedTask[];
  policy: TaskPolicy;
  /** When to notify (events, deadline); the webhook itself stays on the worker. */
  notify?: NotifyPlan;
}

export interface TaskActivityInput {
  projectRoot?: string;
  schedule?: string;
  environment?: string;
  task: ResolvedTask;
  /** Meltano run id, fixed per task by the workflow (the same for every attempt). */
  runId: string;
  runOptions?: MeltanoRunOptions;
}

export interface TaskResult {
  index: number;
  args: string[];
  exitCode: number;
  attempt: number;
  durationMs: number;
  runId: string;
  /** Rows per stream reported by the extractor's Singer METRIC lines. */
  rowsPerStream: Record<string, number>;
  /** Full output of the attempt on the worker host; absent when the task printed nothing. */
  logFile?: string;
}

export interface TaskHeartbeat {
  elapsedMs: number;
  lines: number;
  lastLine: string;
  pid?: number;
}

export type TaskState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export interface JobProgress {
  job: string;
  tasks: Array<{ index: number; args: string[]; state: TaskState; result?: TaskResult }>;
}

export interface JobRunResult {
  job: string;
  schedule?: string;
  environment?: string;
  tasks: TaskResult[];
  /** `runs retry`: the tasks before this one were skipped (done by the original run). */
  resumedFrom?: number;
}

/**
 * The structured details of the failure a job run ends with (the first
 * `ApplicationFailure.details` entry of type `FAILURE.taskFailed`), so clients
 * read which task failed without parsing the message.
 */
export interface TaskFailureDetails {
  /** 0-based position of the failed task in the job. */
  taskIndex: number;
  /** The failed task's words, joined by spaces: `tap-x target-y`. */
  task: string;
  taskCount: number;
  job: string;
  /** The tasks that finished before it. */
  completed: TaskResult[];
}

/** Rows per stream counted so far by one attempt of one task (cumulative, not an increment). */
export interface TaskRowsUpdate {
  index: number;
  attempt: number;
  rows: Record<string, number>;
}

/** What `runs logs` asks a worker for: the run's log files from these byte offsets (by file name). */
export interface ReadTaskLogInput {
  workflowId: string;
  /** 1-based task; every task of the run when omitted. */
  task?: number;
  /** Where to start in each file, by file name (`task-1-attempt-1.log`); 0 for files not named. */
  offsets: Record<string, number>;
  /** At most this many bytes in all (a payload stays well under Temporal's size limit). */
  maxBytes: number;
}

/** A chunk of each log file, base64 (a chunk may end inside a UTF-8 character). */
export interface ReadTaskLogResult {
  /** The run's log folder on the worker's host. */
  dir: string;
  files: Array<{ name: string; task: number; attempt: number; offset: number; size: number; data: string }>;
  /** Bytes were left out for `maxBytes`: ask again from the new offsets. */
  more: boolean;
}
