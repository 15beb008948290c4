/**
 * Runs of one project's schedules, from Temporal visibility: list them with
 * status, timing and the task that failed (read from the failure's
 * structured details, see `TaskFailureDetails`).
 */
import type { Client } from '@temporalio/client';
import { TASK_FAILED_TYPE, type TaskFailureDetails } from '../../workflows/types.js';
import type { Scope } from './scope.js';

/** One run, as `runs --format=json` prints it. */
export interface RunRow {
  workflowId: string;
  runId: string;
  schedule: string | null;
  status: string;
  startTime: string;
  closeTime: string | null;
  durationMs: number | null;
  failedTask: string | null;
}

const quote = (v: string): string => `"${v.replace(/\\/gu, '\\\\').replace(/"/gu, '\\"')}"`;

/** The visibility query for this scope's runs, optionally of one schedule. */
function runsQuery(scope: Pick<Scope, 'projectKey' | 'environment'>, schedule?: string): string {
  let query = `MeltanoProject=${quote(scope.projectKey)} AND MeltanoEnvironment=${quote(scope.environment ?? 'default')}`;
  if (schedule) query += ` AND MeltanoSchedule=${quote(schedule)}`;
  return query;
}

/** The failed task's name from a failed run's result: its details when the job's failure carries them, else the first line of the message. */
export async function failedTask(client: Client, workflowId: string, runId: string): Promise<string | null> {
  try {
    await client.workflow.getHandle(workflowId, runId).result();
    return null;
  } catch (err) {
    const cause = (err as { cause?: Error & { type?: string; details?: unknown[] } }).cause;
    if (cause?.type === TASK_FAILED_TYPE) {
      const details = cause.details?.[0] as TaskFailureDetails | undefined;
      if (details && typeof details.task === 'string') return details.task;
    }
    return (cause?.message ?? '').split('\n')[0] || null;
  }
}

/** The most recent runs first, at most `limit`. */
export async function listRuns(
  client: Client,
  scope: Scope,
  options: { schedule?: string; limit: number },
): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  for await (const wf of client.workflow.list({ query: runsQuery(scope, options.schedule), pageSize: options.limit })) {
    const schedule = wf.typedSearchAttributes.getAll().find((p) => p.key.name === 'MeltanoSchedule')?.value;
    rows.push({
      workflowId: wf.workflowId,
      runId: wf.runId,
      schedule: typeof schedule === 'string' ? schedule : null,
      status: wf.status.name,
      startTime: wf.startTime.toISOString(),
      closeTime: wf.closeTime?.toISOString() ?? null,
      durationMs: wf.closeTime ? wf.closeTime.getTime() - wf.startTime.getTime() : null,
      failedTask: wf.status.name === 'FAILED' ? await failedTask(client, wf.workflowId, wf.runId) : null,
    });
    if (rows.length >= options.limit) break;
  }
  return rows;
}
