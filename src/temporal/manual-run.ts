/**
 * A manual run of a schedule with `meltano run` options (`schedule run NAME
 * --full-refresh ...`). A schedule's trigger can only repeat the schedule's
 * own action, so such a run is started directly with that action's input,
 * task queue, search attributes and id pattern, plus the options; its
 * details in the UI show them.
 */
import type { Client, ScheduleDescription } from '@temporalio/client';
import type { MeltanoRunOptions } from '../meltano/run-options.js';
import { describeRunOptions } from '../meltano/run-options.js';
import type { JobRunInput } from '../../workflows/types.js';

export interface ManualRunStarted {
  workflowId: string;
  runId: string;
}

/** `<schedule action's workflow id>-<RFC 3339 seconds>`, the pattern of the schedule's own runs. */
export function manualRunId(actionWorkflowId: string, now: Date): string {
  return `${actionWorkflowId}-${now.toISOString().replace(/\.\d{3}Z$/u, 'Z')}`;
}

export async function startManualRun(
  client: Client,
  description: ScheduleDescription,
  runOptions: MeltanoRunOptions,
  now = new Date(),
): Promise<ManualRunStarted> {
  const action = description.action;
  if (action.type !== 'startWorkflow') throw new Error(`schedule action is ${action.type}, not startWorkflow`);
  const [scheduled] = (action.args ?? []) as [JobRunInput | undefined];
  const input: JobRunInput = { ...(scheduled ?? {}), runOptions };
  const workflowId = manualRunId(action.workflowId, now);
  const details = `Manual run of schedule ${description.scheduleId}; ${describeRunOptions(runOptions)}`;
  const handle = await client.workflow.start(action.workflowType, {
    taskQueue: action.taskQueue,
    workflowId,
    args: [input],
    ...(action.typedSearchAttributes ? { typedSearchAttributes: action.typedSearchAttributes } : {}),
    ...(action.memo ? { memo: action.memo } : {}),
    staticSummary: describeRunOptions(runOptions),
    staticDetails: details,
  });
  return { workflowId, runId: handle.firstExecutionRunId };
}
