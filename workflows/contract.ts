/**
 * The wire contract: every name Temporal persists, in one place. Workflow
 * type, activity names, failure types, query and signal, patch ids, search
 * attributes and memo shapes are written into histories, schedules and
 * visibility records that outlive any release, and replay reads them back:
 * changing a value here breaks running and recorded runs (the replay tests
 * in test/workflow and test/unit/contract.test.ts pin each one). The data
 * itself (inputs, results, progress) is shaped in ./types.ts.
 *
 * Imported by the workflow (sandboxed: no Node), the activities, client code
 * and tests. It has no runtime imports at all: the definitions below are the
 * plain objects `defineQuery`, `defineSignal` and `defineSearchAttributeKey`
 * return, so the CLI, which loads the SDK only when a command needs it, can
 * import the contract for free.
 */
import type {
  defineSearchAttributeKey,
  QueryDefinition,
  SearchAttributeType,
  SignalDefinition,
} from '@temporalio/common';
import type { JobProgress, TaskRowsUpdate } from './types.js';
import type { PoolGrant, PoolHolder, PoolRequest, PoolState, PoolWait } from './pool-types.js';
import type { AfterState, UpstreamSucceeded } from './after-types.js';

/** The workflow's type name: the name of the `meltanoJob` function in ./index.ts, held by every schedule. */
export const WORKFLOW_TYPE = 'meltanoJob';

/** The task queue schedules start runs on and workers poll, unless told otherwise. */
export const TASK_QUEUE_DEFAULT = 'meltano';

/** Activity names: the keys of `createActivities` (activities/index.ts), recorded in every run's history. */
export const ACTIVITY = {
  /** Reads the schedule or job from meltano.yml on the worker (a local activity since LOCAL_RESOLVE_PATCH). */
  resolveJob: 'resolveJob',
  /** Runs one top-level task of the job with `meltano run`. */
  runMeltanoTask: 'runMeltanoTask',
  /** Sends a run's notification (a local activity since LOCAL_NOTIFY_PATCH). */
  notifyRun: 'notifyRun',
  /** After a failed run: counts the schedule's failed runs in a row and pauses it at `pause_after_failures` (local). */
  pauseAfterFailures: 'pauseAfterFailures',
  /** Reads a run's task log files on the worker that wrote them (served on that worker's log queue). */
  readTaskLog: 'readTaskLog',
} as const;
export type ActivityName = (typeof ACTIVITY)[keyof typeof ACTIVITY];

/** The short workflow `runs logs` starts to fetch task logs from another worker (./read-logs.ts). */
export const READ_LOGS_WORKFLOW_TYPE = 'readTaskLogs';

/**
 * The task queue each worker also polls to serve its task logs (`readTaskLog` only): one per
 * worker identity (`pid@host`), the identity the run's history records for each task.
 */
export const logQueueOf = (workerIdentity: string): string => `meltano-temporal-logs@${workerIdentity}`;

/** `ApplicationFailure` types: the retry policies name some, clients read the rest. */
export const FAILURE = {
  /** The failure a job run ends with when one of its tasks failed (details: `TaskFailureDetails`). */
  taskFailed: 'MeltanoTaskFailed',
  /** The task cannot run as configured (unknown block, job or environment; no meltano): never retried. */
  meltanoConfig: 'MeltanoConfigError',
  /** Another run holds Meltano's run lock for this state id: retried after Meltano's stale-run window. */
  meltanoAlreadyRunning: 'MeltanoAlreadyRunning',
  /** `meltano` exited non-zero otherwise: retried by the schedule's policy. */
  meltanoTask: 'MeltanoTaskError',
  /**
   * The task printed nothing for its `stall_timeout` and its process tree was stopped: retried by
   * the schedule's policy like `meltanoTask`, named apart so the alert and `runs` say it hung.
   */
  taskStalled: 'MeltanoTaskStalled',
  /** The webhook refused the message (a 4xx other than 429): never retried. */
  webhookRejected: 'WebhookRejected',
  /** The webhook is down, timed out, or answered 5xx or 429: retried with backoff. */
  webhookUnavailable: 'WebhookUnavailable',
  /** The webhook cannot be resolved on this worker (an unset variable, not a URL): never retried. */
  webhookConfig: 'WebhookConfigError',
} as const;
export type FailureType = (typeof FAILURE)[keyof typeof FAILURE];

/** The run's tasks and their states, for clients that follow a run (what `defineQuery` returns). */
export const progressQuery = { type: 'query', name: 'progress' } as QueryDefinition<JobProgress | null>;

/** Rows per stream counted so far by the running task, sent by its activity (what `defineSignal` returns). */
export const taskRowsSignal = { type: 'signal', name: 'taskRows' } as SignalDefinition<[TaskRowsUpdate]>;

/**
 * Change ids for `patched()`: a run started before a change replays with the
 * commands it recorded. Ids are never reused or renamed.
 */
export const PATCH = {
  /**
   * The job is resolved by a local activity, run by the worker that runs the
   * workflow task, outside the task slots that `meltano` runs use
   * (`--max-concurrent-tasks`), so a worker busy with long tasks still resolves
   * due runs; it also saves an activity task and a workflow task per run.
   */
  localResolve: 'local-resolve-v1',
  /** Notifications exist: runs started before them replay without their commands. */
  notify: 'notify-v1',
  /**
   * Notifications are sent by a local activity.
   *
   * Why a local activity and not a second activity worker on a task queue of its own: the
   * notify activity shared the task slots of `meltano run` (`--max-concurrent-tasks`), so
   * a failure alert waited behind long runs for a free slot. A local activity runs on the
   * worker that runs the workflow task, in slots of its own, like `resolveJob` (the
   * worker's project checkout resolves the webhook there too). A second queue would need
   * its own pollers on every worker and a queue name the workflow derives, and a run whose
   * worker version does not poll it would wait for ever.
   */
  localNotify: 'local-notify-v1',
  /**
   * `pause_after_failures`: a failed run counts the failures in a row and may pause the
   * schedule (a local activity), then marks itself in its memo and sends the `paused` notice.
   */
  pauseAfterFailures: 'pause-after-failures-v1',
  /** `runs retry --skip-task`: tasks the operator skipped are not run (their state is `skipped`). */
  skipTasks: 'skip-tasks-v1',
} as const;

/** A typed search attribute key, as `defineSearchAttributeKey` makes it. */
type SearchAttributeKey<T extends SearchAttributeType> = ReturnType<typeof defineSearchAttributeKey<T>>;

const keyword = <N extends string>(name: N): SearchAttributeKey<'KEYWORD'> & { name: N } => ({ name, type: 'KEYWORD' });

/**
 * Search attributes. Ours are Keyword attributes registered on the namespace
 * (sync, up and the dev server register them): the four run attributes go on
 * every run a schedule starts (the schedule action carries them), the sync
 * hash on the schedule itself. Temporal's own are set by the server on runs
 * that a schedule started.
 */
export const SEARCH_ATTRIBUTE = {
  project: keyword('MeltanoProject'),
  schedule: keyword('MeltanoSchedule'),
  job: keyword('MeltanoJob'),
  environment: keyword('MeltanoEnvironment'),
  /**
   * On each schedule (not on runs): a hash of its desired Temporal form, so a
   * re-sync reads every schedule's state from one listing and describes only
   * those whose hash differs. Memo would not do: the server never updates a
   * schedule's memo.
   */
  syncHash: keyword('MeltanoSyncHash'),
  scheduledById: keyword('TemporalScheduledById'),
  scheduledStartTime: { name: 'TemporalScheduledStartTime', type: 'DATETIME' } as SearchAttributeKey<'DATETIME'>,
} as const;

/** The names of the attributes on every scheduled run, in the order schedules carry them. */
export const SEARCH_ATTRIBUTE_NAMES = [
  SEARCH_ATTRIBUTE.project.name,
  SEARCH_ATTRIBUTE.schedule.name,
  SEARCH_ATTRIBUTE.job.name,
  SEARCH_ATTRIBUTE.environment.name,
] as const;
/** The attribute on each schedule (see SEARCH_ATTRIBUTE.syncHash). */
export const SYNC_HASH_ATTRIBUTE = SEARCH_ATTRIBUTE.syncHash.name;
/** Every search attribute sync, up and the dev server register on the namespace (all Keyword). */
export const REGISTERED_SEARCH_ATTRIBUTES = [...SEARCH_ATTRIBUTE_NAMES, SYNC_HASH_ATTRIBUTE] as const;

/**
 * The metadata of an encrypted payload (src/temporal/codec.ts): its encoding and the key id. Payloads
 * written with them are decoded by every worker, client and codec server that has the key.
 */
export const ENCRYPTED_PAYLOAD = { encoding: 'binary/encrypted', keyId: 'meltano-temporal' } as const;

/** `managedBy` of the schedules this tool made; schedules without it are never touched. */
export const MANAGED_BY = 'meltano-temporal';

/**
 * A schedule's memo: who manages it and for which project and environment.
 * Set at creation only (the server never updates a schedule's memo);
 * `projectId` is the ownership mark, absent on schedules made by 0.1.0.
 */
export type ScheduleMemo = {
  managedBy: string;
  project: string;
  projectId?: string;
  environment: string;
  schedule: string;
};

/** The memo the schedule's action gives each run: the desired facts and the server's compiled spec at our last write. */
export type ScheduledRunMemo = {
  fingerprint: string;
  summary: Record<string, string>;
  serverSpec?: string;
};

/**
 * The memo of a run started by `runs retry`: the run it retries and the 0-based task it starts at;
 * with `--from-task` / `--skip-task`, the 0-based tasks skipped by hand and who asked (`user@host`).
 */
export type RetryRunMemo = {
  retryOf: { workflowId: string; runId: string };
  fromTask: number;
  skipTasks?: number[];
  fromTaskChosen?: boolean;
  by?: string;
  /** Parallel groups: 0-based tasks after `fromTask` that completed in the original's group (not run again). */
  doneTasks?: number[];
};

/** Memo the run that paused its schedule (`pause_after_failures`) adds to itself: the count restarts after it. */
export type PausedRunMemo = {
  pausedSchedule: { failures: number; note: string };
};

/**
 * Pools (`annotations.temporal.pool`): one long-running `meltanoPool` workflow per pool hands out its
 * slots, first come first served, to the job runs that ask for one (see ./pool.ts).
 */
export const POOL_WORKFLOW_TYPE = 'meltanoPool';

/** The activities of pools: local activities, run by the worker that runs the workflow task. */
export const POOL_ACTIVITY = {
  /** Asks the pool for a slot: signal-with-start of the pool's workflow (a job run's local activity). */
  requestPoolSlot: 'requestPoolSlot',
  /** Which of the pool's holders have closed (the pool's local activity): their slots are freed. */
  closedPoolHolders: 'closedPoolHolders',
} as const;
export type PoolActivityName = (typeof POOL_ACTIVITY)[keyof typeof POOL_ACTIVITY];

/** Signals and the query between a pool and its job runs (what `defineSignal` and `defineQuery` return). */
export const poolAcquireSignal = { type: 'signal', name: 'poolAcquire' } as SignalDefinition<[PoolRequest]>;
export const poolReleaseSignal = { type: 'signal', name: 'poolRelease' } as SignalDefinition<[PoolHolder]>;
export const poolGrantedSignal = { type: 'signal', name: 'poolGranted' } as SignalDefinition<[PoolGrant]>;
export const poolWaitingSignal = { type: 'signal', name: 'poolWaiting' } as SignalDefinition<[PoolWait]>;
export const poolStateQuery = { type: 'query', name: 'poolState' } as QueryDefinition<PoolState>;

/** What a run waiting for a pool's slot adds to its memo (removed once it has the slot), for `runs`. */
export type PoolWaitMemo = { waiting?: string };

/** A job run holds a pool slot from its first task to its end: guarded, so older runs replay without it. */
export const POOL_PATCH = 'pool-v1';

/**
 * `annotations.temporal.after`: one `meltanoAfter` workflow per downstream schedule collects its upstreams'
 * successes and starts the downstream's run once each has succeeded (see ./after.ts).
 */
export const AFTER_WORKFLOW_TYPE = 'meltanoAfter';

/** The activities of `after`: local activities. */
export const AFTER_ACTIVITY = {
  /** An upstream that succeeded tells its downstream's coordinator: signal-with-start (the upstream's). */
  releaseDownstream: 'releaseDownstream',
  /** Starts the downstream's run with its schedule's action, linked to its upstream runs (the coordinator's). */
  startDownstreamRun: 'startDownstreamRun',
} as const;
export type AfterActivityName = (typeof AFTER_ACTIVITY)[keyof typeof AFTER_ACTIVITY];

export const upstreamSucceededSignal = { type: 'signal', name: 'upstreamSucceeded' } as SignalDefinition<
  [UpstreamSucceeded]
>;
export const afterStateQuery = { type: 'query', name: 'afterState' } as QueryDefinition<AfterState>;

/** An upstream's successful run releases its downstreams: guarded, so older runs replay without it. */
export const AFTER_PATCH = 'after-v1';

/** What an upstream's failed run adds to its memo: the downstreams it holds back, for `runs` and alerts. */
export type HoldsMemo = { holds?: string[] };

/**
 * `annotations.temporal.parallel`: the items of a job's inner task list run as activities started together
 * (./group.ts). Asked only of runs whose job has a group, so every other run's commands are unchanged.
 */
export const GROUP_PATCH = 'parallel-group-v1';
