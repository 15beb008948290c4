import type { MeltanoRunOptions } from '../src/meltano/run-options.js';
import type { GroupPlace } from '../src/project/tasks.js';
import type { NotifyPlan } from '../src/notify/settings.js';
import type { PoolNeed } from './pool-types.js';
import type { DownstreamRelease } from './after-types.js';

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
  /**
   * `runs retry`: skip the tasks before `fromTask` (they completed in the original run, or
   * `--from-task` said so) and the 0-based `skipTasks` (`--skip-task`: marked done by `by`, user@host).
   */
  resume?: {
    fromTask: number;
    retryOf: { workflowId: string; runId: string };
    skipTasks?: number[];
    by?: string;
    /** Items of a parallel group that completed in the original run: not run again (./group.ts). */
    doneTasks?: number[];
  };
  /** `annotations.temporal.pool`: the pool the run takes a slot of, and its size at the last sync. */
  pool?: PoolNeed;
  /** `annotations.temporal.after` of other schedules: the downstreams a success of this one releases. */
  downstreams?: DownstreamRelease[];
}

/** Retry and timeout settings of the task activities (from `annotations.temporal`). */
export interface TaskPolicy {
  maximumAttempts: number;
  initialInterval: string;
  backoffCoefficient: number;
  maximumInterval: string;
  taskTimeout: string;
  heartbeatTimeout: string;
  /** `stall_timeout`: a task that prints nothing this long fails as stalled; absent: never (runs recorded before it have none). */
  stallTimeout?: string;
}

export interface ResolvedTask {
  /** 0-based position in the job. */
  index: number;
  /** Words after `meltano run` (or after `meltano elt` for legacy elt schedules). */
  args: string[];
  command: 'run' | 'elt';
  /** `annotations.temporal.parallel`: the task is one item of a group that runs at the same time (./group.ts). */
  group?: GroupPlace;
}

export interface ResolvedJob {
  job: string;
  schedule?: string;
  tasks: ResolvedTask[];
  policy: TaskPolicy;
  /** When to notify (events, deadline); the webhook itself stays on the worker. */
  notify?: NotifyPlan;
  /** `pause_after_failures`: the run that makes this many failed runs in a row pauses the schedule. */
  pauseAfterFailures?: number;
  /** The time the run stands for, worked out once when it starts (absent in runs older than it). */
  runContext?: RunContext;
  /** What ran: configuration, code, tool versions (absent in runs older than it). */
  provenance?: Provenance;
}

/** What a run ran, recorded once when it starts (src/meltano/provenance.ts); never a secret. */
export interface Provenance {
  /** sha256 of meltano.yml and every file it includes, as loaded (first 16 hex digits). */
  configHash: string;
  /** The project's files the hash covers, relative to the root. */
  configFiles: string[];
  /** The project's git commit and whether the work tree differs from it; absent outside a repository. */
  git?: { commit: string; dirty: boolean };
  /** The worker's `meltano` version (`meltano, version 4.4.1`), read from its package metadata; absent when unknown. */
  meltanoVersion?: string;
  /** The plugins the run's tasks use: pip_url (credentials in it masked) and variant, as meltano.yml says. */
  plugins: Array<{ name: string; pipUrl?: string; variant?: string }>;
  /** The worker that started the run: `pid@host` and this tool's version. */
  worker: { identity: string; version: string };
}

/**
 * The time a run stands for (Airflow's logical date and data interval), RFC 3339 UTC.
 * `scheduledTime` is the interval's end. See src/temporal/run-interval.ts for the rules.
 */
export interface RunContext {
  /** The nominal time: the slot a schedule started the run for (backfills included), else when it started. */
  scheduledTime: string;
  intervalStart: string;
  intervalEnd: string;
  /** How the interval was found: `schedule` (a slot of the spec), `trigger` (started now, by hand), `none` (no spec: start = end). */
  kind: 'schedule' | 'trigger' | 'none';
  /** The Temporal Schedule whose spec gave the interval. */
  scheduleId?: string;
}

export interface TaskActivityInput {
  projectRoot?: string;
  schedule?: string;
  environment?: string;
  task: ResolvedTask;
  /** Meltano run id, fixed per task by the workflow (the same for every attempt). */
  runId: string;
  runOptions?: MeltanoRunOptions;
  /** Fail the attempt as stalled (`FAILURE.taskStalled`) after this long without output. */
  stallTimeout?: string;
  /** Extra variables a custom workflow's `meltanoRun` gives the task (over the schedule's env; masked in logs). */
  env?: Record<string, string>;
  /** The run's time (names and times only: it lands in history). */
  runContext?: RunContext;
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

/** What a running task reports with each heartbeat: its progress, so a stuck task shows as one. */
export interface TaskHeartbeat {
  elapsedMs: number;
  /** Output so far: lines and bytes (stdout and stderr of `meltano run`). */
  lines: number;
  /** Absent in beats of workers older than stall detection (as is `idleMs`). */
  bytes?: number;
  /** Since the last output line. */
  idleMs?: number;
  /** Rows counted so far from Singer METRIC lines (all streams), once any were reported. */
  rows?: number;
  lastLine: string;
  pid?: number;
}

export type TaskState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export interface JobProgress {
  job: string;
  /** While the run waits for a pool's slot: `waiting for pool warehouse (2/2 busy)`. */
  waiting?: string;
  tasks: Array<{ index: number; args: string[]; state: TaskState; result?: TaskResult }>;
}

export interface JobRunResult {
  job: string;
  schedule?: string;
  environment?: string;
  tasks: TaskResult[];
  /** `runs retry`: the tasks before this one were skipped (done by the original run). */
  resumedFrom?: number;
  /** The time the run stood for, as its tasks got it. */
  runContext?: RunContext;
  provenance?: Provenance;
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
  /** The time the run stood for, as its tasks got it. */
  runContext?: RunContext;
  provenance?: Provenance;
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
