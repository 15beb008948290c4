/**
 * `runs logs`: a run's task logs, masked with the schedule's env values.
 * Temporal says which tasks the run has, which worker ran each (its identity,
 * `pid@host`) and where that worker wrote the log. Each file is read from
 * this host's project, else the shared log archive, else over Temporal from
 * the worker that wrote it (log-sources.ts); a worker that is gone is named
 * with its host and path.
 */
import type { Client } from '@temporalio/client';
import { RunNotFoundError, RunOutcomeUnknownError, UserError } from '../errors.js';
import { findSchedule, type Project } from '../project/model.js';
import { maskedEnvValues, scheduleEnv, secretMasker } from '../meltano/mask.js';
import { printTaskLogs, taskLogDir } from '../meltano/task-logs.js';
import { LOG_ARCHIVE_ENV } from '../logs/archive.js';
import { LogSources } from './log-sources.js';
import { DEFAULT_RECONNECT_WINDOW_MS, isConnectionLoss, serverCause } from './server-errors.js';
import type { ResolvedJob, TaskActivityInput, TaskResult } from '../../workflows/types.js';
import { ACTIVITY, SEARCH_ATTRIBUTE } from '../../workflows/contract.js';

/** What the history says about one task of the run. */
export interface TaskRecord {
  /** 1-based. */
  task: number;
  text: string;
  /** Identity of the worker that ran (or runs) its latest attempt, e.g. `41@host-b`. */
  worker?: string;
  /** The log file on that worker's host, when the history names it. */
  logFile?: string;
}

export interface RunLogsOptions {
  /** 1-based task; every task when omitted. */
  task?: number;
  follow?: boolean;
  write: (text: string) => void;
  /** Notes for the user (tasks that ran elsewhere), kept apart from the log text. */
  note: (text: string) => void;
  signal?: AbortSignal;
  /** With `follow`: how long to wait for a server that went away (default 2 minutes). */
  reconnectWindowMs?: number;
}

const hostOf = (identity: string | undefined): string | undefined =>
  identity?.split('@').slice(1).join('@') || undefined;

/** How often `--follow` fetches what workers on other hosts wrote. */
const REMOTE_FOLLOW_MS = 2000;

const KEEP_LOGS_HINT = `to keep task logs readable after their worker is gone, set ${LOG_ARCHIVE_ENV} to a folder every host shares, for the workers and for runs logs (docs/operations.md#task-logs)`;

function goneNote(r: TaskRecord, workflowId: string): string {
  const where = r.logFile ?? taskLogDir('<its project>', workflowId);
  return `task ${r.task} '${r.text}' ran on worker ${r.worker ?? '?'}, which is gone (nothing answers on its log queue): its log stayed on host ${hostOf(r.worker) ?? '?'}, ${where}`;
}

/** Run `step` every `everyMs` (one at a time) until stopped; `stop()` waits for the step under way. */
function repeatUntil(everyMs: number, step: () => Promise<void>, signal?: AbortSignal): { stop: () => Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, everyMs);
      });
      if (stopped || signal?.aborted) break;
      await step();
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}

/** The marker the SDK records for a completed local activity. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** What the SDK records about a local activity besides its result (plain JSON, never through the codec). */
function localActivityData(
  payload: import('@temporalio/common').Payload | undefined,
  converter: import('@temporalio/common').PayloadConverter,
): { activity_type?: string } | undefined {
  if (!payload) return undefined;
  try {
    return converter.fromPayload<{ activity_type?: string }>(payload);
  } catch {
    return undefined;
  }
}

/** Tasks of the run, from its history: the resolved job, each task's scheduling, who started it, its result. */
export async function taskRecords(client: Client, workflowId: string): Promise<TaskRecord[]> {
  const handle = client.workflow.getHandle(workflowId);
  const { payloadConverter, payloadCodecs } = client.options.loadedDataConverter;
  const decode = async <T>(payload: import('@temporalio/common').Payload | undefined): Promise<T | undefined> => {
    if (!payload) return undefined;
    let decoded = [payload];
    for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
    return payloadConverter.fromPayload<T>(decoded[0] as import('@temporalio/common').Payload);
  };
  const history = await handle.fetchHistory();
  const scheduled = new Map<string, number>(); // scheduled event id -> 0-based task index
  const byActivityId = new Map<string, number>();
  const records = new Map<number, TaskRecord>();
  let resolved: ResolvedJob | undefined;
  let resolveEventId: string | undefined;
  for (const event of history.events ?? []) {
    const id = String(event.eventId ?? '');
    const sched = event.activityTaskScheduledEventAttributes;
    if (sched) {
      if (sched.activityType?.name === ACTIVITY.resolveJob) resolveEventId = id;
      if (sched.activityType?.name === ACTIVITY.runMeltanoTask) {
        const input = await decode<TaskActivityInput>(sched.input?.payloads?.[0]);
        if (input) {
          scheduled.set(id, input.task.index);
          if (sched.activityId) byActivityId.set(sched.activityId, input.task.index);
          records.set(input.task.index, { task: input.task.index + 1, text: input.task.args.join(' ') });
        }
      }
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const index = scheduled.get(String(started.scheduledEventId ?? ''));
      const record = index === undefined ? undefined : records.get(index);
      if (record && started.identity) record.worker = started.identity;
    }
    // Runs since PATCH.localResolve resolve the job in a local activity: a marker holds its result.
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === LOCAL_ACTIVITY_MARKER && !resolved) {
      const data = localActivityData(marker.details?.data?.payloads?.[0], payloadConverter);
      if (data?.activity_type === ACTIVITY.resolveJob)
        resolved = await decode<ResolvedJob>(marker.details?.result?.payloads?.[0]);
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const key = String(completed.scheduledEventId ?? '');
      if (key === resolveEventId) resolved = await decode<ResolvedJob>(completed.result?.payloads?.[0]);
      const index = scheduled.get(key);
      const record = index === undefined ? undefined : records.get(index);
      const result = record ? await decode<TaskResult>(completed.result?.payloads?.[0]) : undefined;
      if (record && result?.logFile) record.logFile = result.logFile;
    }
  }
  // A running task's attempt is not in the history yet: the server knows its worker.
  const description = await handle.describe();
  for (const pending of description.raw.pendingActivities ?? []) {
    const index = byActivityId.get(pending.activityId ?? '');
    const record = index === undefined ? undefined : records.get(index);
    if (record && pending.lastWorkerIdentity) record.worker = pending.lastWorkerIdentity;
  }
  for (const t of resolved?.tasks ?? []) {
    if (!records.has(t.index)) records.set(t.index, { task: t.index + 1, text: t.args.join(' ') });
  }
  return [...records.values()].sort((a, b) => a.task - b.task);
}

/**
 * Print the run's task logs; with `follow`, keep printing until the run is closed.
 * @throws {RunNotFoundError} no such workflow in the namespace
 * @throws {UserError} `task` is not a task of the run; no log of the run on this host
 */
export async function printRunLogs(
  client: Client,
  project: Project,
  workflowId: string,
  options: RunLogsOptions,
): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError')
      throw new RunNotFoundError(workflowId, undefined, client.options.namespace, { cause: err });
    throw err;
  }
  const scheduleName = description.typedSearchAttributes.get(SEARCH_ATTRIBUTE.schedule);
  const mask = secretMasker(
    maskedEnvValues(scheduleEnv(scheduleName ? findSchedule(project, scheduleName) : undefined)),
  );
  const records = await taskRecords(client, workflowId);
  if (options.task !== undefined && records.length && !records.some((r) => r.task === options.task)) {
    throw new UserError(
      `Run '${workflowId}' has ${records.length} task${records.length === 1 ? '' : 's'}: there is no task ${options.task}.`,
      { hint: `pass --task 1 to --task ${records.length}, or leave --task out for all of them` },
    );
  }
  const sources = new LogSources(client, project.root, workflowId, description.taskQueue, options.task);
  const closed = description.status.name !== 'RUNNING';
  await sources.fetchRemote(records, closed);
  // Ended when the run is closed; a server that went away (restarted) is waited for, up to the reconnect window.
  let lostAt: number | undefined;
  let gaveUpAfterMs: number | undefined;
  const windowMs = options.reconnectWindowMs ?? DEFAULT_RECONNECT_WINDOW_MS;
  const running = (): Promise<boolean> =>
    handle.describe().then(
      (d) => {
        lostAt = undefined;
        return d.status.name !== 'RUNNING';
      },
      (err: unknown) => {
        if (!isConnectionLoss(err)) return true;
        if (lostAt === undefined) {
          lostAt = Date.now();
          options.note(`lost the server, reconnecting… (${serverCause(err)})`);
        }
        if (Date.now() - lostAt < windowMs) return false;
        gaveUpAfterMs = Date.now() - lostAt;
        return true;
      },
    );
  const following = Boolean(options.follow) && !closed;
  // While following, what other workers write is fetched every few seconds, and once more when the run ends.
  // A server that is away is the follower's business (`running`): a fetch that fails is tried again.
  const refresh = (over: boolean): Promise<void> =>
    taskRecords(client, workflowId)
      .then((latest) => sources.fetchRemote(latest, over))
      .catch(() => undefined);
  const syncing = following ? repeatUntil(REMOTE_FOLLOW_MS, () => refresh(false), options.signal) : undefined;
  const done = async (): Promise<boolean> => {
    if (!(await running())) return false;
    await syncing?.stop();
    if (gaveUpAfterMs === undefined) await refresh(true);
    return true;
  };
  let printed;
  try {
    printed = await printTaskLogs(project.root, workflowId, {
      mask,
      write: options.write,
      list: () => sources.list(),
      ...(options.task !== undefined ? { task: options.task } : {}),
      ...(following ? { follow: { done, ...(options.signal ? { signal: options.signal } : {}) } } : {}),
    });
  } finally {
    await syncing?.stop();
    sources.close();
  }
  const unreachable = sources.unreachable();
  for (const gone of unreachable) options.note(goneNote(gone, workflowId));
  if (unreachable.length && printed.length) options.note(KEEP_LOGS_HINT);
  if (gaveUpAfterMs !== undefined)
    throw new RunOutcomeUnknownError(
      workflowId,
      `the Temporal server has not answered for ${Math.round(gaveUpAfterMs / 1000)}s`,
    );
  if (!printed.length) {
    const gone = unreachable.length > 0;
    throw new UserError(
      `No task log of run '${workflowId}'${options.task !== undefined ? ` for task ${options.task}` : ''} ${gone ? 'is reachable: the worker that ran it is gone' : `under ${taskLogDir(project.root, workflowId)}`}.`,
      {
        hint: gone
          ? KEEP_LOGS_HINT
          : records.length
            ? 'the task has not started yet, or printed nothing'
            : 'the run has not resolved its tasks yet (no worker polling?)',
      },
    );
  }
}
