/**
 * Runs of one project's schedules, from Temporal visibility: list them with
 * status, timing and the task that failed (read from the failure's
 * structured details, see `TaskFailureDetails`).
 */
import type { Client } from '@temporalio/client';
import type { JobRunResult, Provenance, RunContext, TaskFailureDetails, TaskResult } from '../../workflows/types.js';
import {
  FAILURE,
  SEARCH_ATTRIBUTE,
  type HoldsMemo,
  type PoolWaitMemo,
  type RetryRunMemo,
} from '../../workflows/contract.js';
import type { AfterRunMemo, UpstreamRun } from '../../workflows/after-types.js';
import { totalRows } from '../../workflows/summary.js';
import type { Scope } from './scope.js';
import type { PastRun } from '../notify/events.js';
import { UsageError } from '../errors.js';

/** One run, as `runs --format=json` prints it. */
export interface RunRow {
  workflowId: string;
  runId: string;
  schedule: string | null;
  /** The workflow that ran: the job workflow's type, or a custom workflow's name (`annotations.temporal.workflow`). */
  workflowType: string;
  status: string;
  startTime: string;
  closeTime: string | null;
  durationMs: number | null;
  failedTask: string | null;
  /** Rows loaded (all tasks and streams, from Singer METRIC lines): a finished run's result, or the tasks a failed run completed; null while running or when unknown. */
  rows: number | null;
  /** A running run that waits for a pool's slot: `waiting for pool warehouse (2/2 busy)`; else null. */
  waiting: string | null;
  /** A run started after other schedules (`annotations.temporal.after`): the upstream runs that released it; else null. */
  after: UpstreamRun[] | null;
  /** A failed run of an upstream: the schedules it holds back; else null. */
  holds: string[] | null;
  /** How the failed task failed: `MeltanoTaskStalled` (no output for its stall_timeout), `MeltanoTaskError`, ...; null otherwise. */
  failureType: string | null;
  /** A run started by `runs retry`: what it retries, where it started, the tasks skipped by hand and who skipped them, the tasks its group had completed. */
  retry: RunRetry | null;
  /** The time the run stood for, as its tasks got it (docs/run-context.md); null while running or before it existed. */
  interval: RunInterval | null;
  /** What the run ran (configuration hash, git commit, versions, plugins, worker); null while running or before it existed. */
  provenance: Provenance | null;
}

export interface RunRetry {
  of: string;
  /** 1-based task it started at. */
  fromTask: number;
  /** 1-based tasks marked done with `--skip-task`. */
  skippedTasks: number[];
  /** 1-based tasks of a failed parallel group that completed in the original run, so the retry did not run them again. */
  doneTasks: number[];
  /** `user@host` who chose `--from-task` / `--skip-task`; null for a plain retry. */
  by: string | null;
}

/** The retry facts of a run's memo (`RetryRunMemo`), if it is a retry. */
function retryOf(memo: Record<string, unknown> | undefined): RunRetry | null {
  const m = memo as Partial<RetryRunMemo> | undefined;
  if (!m?.retryOf || typeof m.fromTask !== 'number') return null;
  return {
    of: m.retryOf.workflowId,
    fromTask: m.fromTask + 1,
    skippedTasks: (m.skipTasks ?? []).map((i) => i + 1),
    doneTasks: (m.doneTasks ?? []).map((i) => i + 1),
    by: m.by ?? null,
  };
}

/** The type of the innermost ApplicationFailure under a job's failure (the failed task's own). */
function innermostType(err: unknown): string | null {
  let type: string | null = null;
  for (let e = err as { cause?: unknown; type?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.type === 'string') type = e.type;
  }
  return type;
}

/** A finished run's scheduled time and data interval, RFC 3339 UTC. */
export interface RunInterval {
  scheduledTime: string;
  start: string;
  end: string;
  kind: RunContext['kind'];
}

const intervalOf = (c: RunContext | undefined): RunInterval | null =>
  c ? { scheduledTime: c.scheduledTime, start: c.intervalStart, end: c.intervalEnd, kind: c.kind } : null;

const quote = (v: string): string => `"${v.replace(/\\/gu, '\\\\').replace(/"/gu, '\\"')}"`;

/** The visibility query for this scope's runs, optionally of one schedule. */
function runsQuery(scope: Pick<Scope, 'projectKey' | 'environment'>, schedule?: string): string {
  const { project, environment, schedule: scheduleKey } = SEARCH_ATTRIBUTE;
  let query = `${project.name}=${quote(scope.projectKey)} AND ${environment.name}=${quote(scope.environment ?? 'default')}`;
  if (schedule) query += ` AND ${scheduleKey.name}=${quote(schedule)}`;
  return query;
}

/**
 * The last closed runs (at most 20) of the schedule a run belongs to: the
 * same project, environment and schedule search attributes as that run.
 * None for a run without them (started by hand, not by a schedule).
 */
export async function closedRunsOfSameSchedule(client: Client, workflowId: string, runId: string): Promise<PastRun[]> {
  const current = await client.workflow.getHandle(workflowId, runId).describe();
  const attrs = current.typedSearchAttributes;
  const projectKey = attrs.get(SEARCH_ATTRIBUTE.project);
  const environment = attrs.get(SEARCH_ATTRIBUTE.environment);
  const schedule = attrs.get(SEARCH_ATTRIBUTE.schedule);
  if (projectKey === undefined || environment === undefined || schedule === undefined) return [];
  const query = `${runsQuery({ projectKey, environment }, schedule)} AND ExecutionStatus!="Running"`;
  const runs: PastRun[] = [];
  for await (const wf of client.workflow.list({ query, pageSize: 20 })) {
    runs.push({
      workflowId: wf.workflowId,
      runId: wf.runId,
      status: wf.status.name,
      ...(wf.closeTime ? { closeTime: wf.closeTime } : {}),
    });
    if (runs.length >= 20) break;
  }
  return runs;
}

const sumRows = (tasks: ReadonlyArray<Pick<TaskResult, 'rowsPerStream'>> | undefined): number | null =>
  tasks ? tasks.reduce((sum, t) => sum + totalRows(t.rowsPerStream), 0) : null;

/**
 * What a closed run produced: the failed task's name (from the failure's
 * details when the job's failure carries them, else the first line of its
 * message) and the rows it loaded.
 */
export async function runOutcome(
  client: Client,
  workflowId: string,
  runId: string,
): Promise<{
  failedTask: string | null;
  rows: number | null;
  failureType: string | null;
  interval: RunInterval | null;
  provenance: Provenance | null;
}> {
  try {
    const value: unknown = await client.workflow.getHandle(workflowId, runId).result();
    // A custom workflow returns whatever its author chose: only a job's result has tasks, context and provenance.
    const result =
      value !== null && typeof value === 'object' && Array.isArray((value as Partial<JobRunResult>).tasks)
        ? (value as JobRunResult)
        : undefined;
    return {
      failedTask: null,
      rows: sumRows(result?.tasks),
      failureType: null,
      interval: intervalOf(result?.runContext),
      provenance: result?.provenance ?? null,
    };
  } catch (err) {
    const cause = (err as { cause?: Error & { type?: string; details?: unknown[] } }).cause;
    const failureType = innermostType(cause);
    if (cause?.type === FAILURE.taskFailed) {
      const details = cause.details?.[0] as TaskFailureDetails | undefined;
      if (details && typeof details.task === 'string')
        return {
          failedTask: details.task,
          rows: sumRows(details.completed),
          failureType,
          interval: intervalOf(details.runContext),
          provenance: details.provenance ?? null,
        };
    }
    return {
      failedTask: (cause?.message ?? '').split('\n')[0] || null,
      rows: null,
      failureType,
      interval: null,
      provenance: null,
    };
  }
}

/**
 * The one schedule `runs` lists, if any: the positional SCHEDULE or
 * `--schedule NAME`. A schedule named like a subcommand of `runs` (`logs`,
 * `retry`) can only be given with `--schedule`: as a positional its name
 * selects the subcommand. Given both ways, the two must name the same schedule.
 * @throws {UsageError} the positional and --schedule name different schedules
 */
export function scheduleToList(positional: string | undefined, flag: string | undefined): string | undefined {
  if (flag === '') throw new UsageError('--schedule needs a schedule name');
  if (positional !== undefined && flag !== undefined && positional !== flag)
    throw new UsageError(`runs was given two schedules: '${positional}' and --schedule '${flag}'`, {
      hint: 'give one: `meltano-temporal runs --schedule NAME`',
    });
  return flag ?? positional;
}

/** The pool a running run waits for, from its memo (see `PoolWaitMemo`). */
function poolWaiting(memo: Record<string, unknown> | undefined): string | null {
  const waiting = (memo as PoolWaitMemo | undefined)?.waiting;
  return typeof waiting === 'string' ? waiting : null;
}

/** The upstream runs that released a run, and the schedules a failed run holds back, from its memo. */
function afterLinks(memo: Record<string, unknown> | undefined): Pick<RunRow, 'after' | 'holds'> {
  const { after } = (memo ?? {}) as Partial<AfterRunMemo>;
  const { holds } = (memo ?? {}) as HoldsMemo;
  return { after: Array.isArray(after) ? after : null, holds: Array.isArray(holds) ? holds : null };
}

/** The most recent runs first, at most `limit`. */
export async function listRuns(
  client: Client,
  scope: Scope,
  options: { schedule?: string; limit: number },
): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  for await (const wf of client.workflow.list({ query: runsQuery(scope, options.schedule), pageSize: options.limit })) {
    const schedule = wf.typedSearchAttributes.get(SEARCH_ATTRIBUTE.schedule);
    rows.push({
      workflowId: wf.workflowId,
      runId: wf.runId,
      schedule: schedule ?? null,
      workflowType: wf.type,
      status: wf.status.name,
      startTime: wf.startTime.toISOString(),
      closeTime: wf.closeTime?.toISOString() ?? null,
      durationMs: wf.closeTime ? wf.closeTime.getTime() - wf.startTime.getTime() : null,
      ...(wf.status.name === 'COMPLETED' || wf.status.name === 'FAILED'
        ? await runOutcome(client, wf.workflowId, wf.runId)
        : { failedTask: null, rows: null, failureType: null, interval: null, provenance: null }),
      waiting: wf.status.name === 'RUNNING' ? poolWaiting(wf.memo) : null,
      ...afterLinks(wf.memo),
      retry: retryOf(wf.memo),
    });
    if (rows.length >= options.limit) break;
  }
  return rows;
}

/** The newest `perSchedule` runs of each of `schedules` (one visibility query each, run in parallel). */
export async function listRunsPerSchedule(
  client: Client,
  scope: Scope,
  schedules: readonly string[],
  perSchedule: number,
): Promise<RunRow[]> {
  const lists = await Promise.all(
    schedules.map((schedule) => listRuns(client, scope, { schedule, limit: perSchedule })),
  );
  return lists.flat();
}
