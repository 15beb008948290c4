/**
 * The run context a task's `meltano run` gets as environment variables, so plugins and
 * meltano.yml (Meltano expands `$VAR` in plugin config) can use the time the run stands
 * for: `start_date: $MT_INTERVAL_START`.
 *
 * Why `MT_`: short, and outside the three spaces taken already. `MELTANO_*` is Meltano's
 * (`meltano run` reads `MELTANO_RUN_FULL_REFRESH`, `MELTANO_RUN_STATE_ID_SUFFIX`, ... as
 * its own options, and every `MELTANO_<SETTING>` as a project setting) and
 * `MELTANO_TEMPORAL_*` this tool's own configuration; `TEMPORAL_*` is the Meltano
 * plugin's settings (namespace `temporal`) and the `temporal` CLI's and SDK's
 * configuration (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, ...), which a task that
 * calls Temporal itself must not inherit by accident.
 *
 * The table in docs/run-context.md lists them; keep it in step (a unit test compares).
 */
import type { RunContext } from '../../workflows/types.js';
import { runUrl } from '../notify/message.js';

export const RUN_CONTEXT_ENV = {
  scheduledTime: 'MT_SCHEDULED_TIME',
  intervalStart: 'MT_INTERVAL_START',
  intervalEnd: 'MT_INTERVAL_END',
  intervalKind: 'MT_INTERVAL_KIND',
  scheduleId: 'MT_SCHEDULE_ID',
  workflowId: 'MT_WORKFLOW_ID',
  workflowRunId: 'MT_WORKFLOW_RUN_ID',
  taskAttempt: 'MT_TASK_ATTEMPT',
  uiUrl: 'MT_UI_URL',
} as const;

/** RFC 3339 in UTC, whole seconds, with `Z`: `2026-12-05T10:00:00Z`. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/u, 'Z');
}

/** A run with no schedule spec to go by (`schedule run --local`): an empty interval at `ms`. */
export function emptyRunContext(ms: number): RunContext {
  const at = rfc3339(ms);
  return { scheduledTime: at, intervalStart: at, intervalEnd: at, kind: 'none' };
}

/** What the task knows of the run it belongs to; every part optional (a local run has no workflow). */
export interface TaskRunContext {
  context?: RunContext;
  workflowId?: string;
  workflowRunId?: string;
  namespace?: string;
  attempt: number;
  /** The Temporal Web UI's base address, when the worker knows it. */
  uiBase?: string;
}

/** The variables of one task attempt: times, ids and the UI address, never a secret. */
export function runContextEnvironment(task: TaskRunContext): Record<string, string> {
  const names = RUN_CONTEXT_ENV;
  const env: Record<string, string> = { [names.taskAttempt]: String(task.attempt) };
  const c = task.context;
  if (c) {
    env[names.scheduledTime] = c.scheduledTime;
    env[names.intervalStart] = c.intervalStart;
    env[names.intervalEnd] = c.intervalEnd;
    env[names.intervalKind] = c.kind;
    if (c.scheduleId) env[names.scheduleId] = c.scheduleId;
  }
  if (task.workflowId) env[names.workflowId] = task.workflowId;
  if (task.workflowRunId) env[names.workflowRunId] = task.workflowRunId;
  if (task.uiBase && task.namespace && task.workflowId) {
    env[names.uiUrl] = runUrl(task.uiBase, task.namespace, task.workflowId, task.workflowRunId);
  }
  return env;
}
