/**
 * The activities of `annotations.temporal.after` (see workflows/after.ts): an upstream's success reaches its
 * downstream's coordinator by signal-with-start, and the coordinator starts the downstream's run with the
 * schedule's own action (input, task queue, attributes, as sync last wrote them), linked to the upstream runs.
 */
import { Context, log } from '@temporalio/activity';
import { AFTER_ACTIVITY, AFTER_WORKFLOW_TYPE, upstreamSucceededSignal } from '../workflows/contract.js';
import type { AfterRunMemo, AfterState, DownstreamStart, ReleaseRequest } from '../workflows/after-types.js';
import { scheduleId } from '../src/temporal/schedule-mapping.js';

export async function releaseDownstream(input: ReleaseRequest): Promise<void> {
  const initial: AfterState = {
    ...(input.project ? { project: input.project } : {}),
    ...(input.environment ? { environment: input.environment } : {}),
    downstream: input.downstream,
    upstreams: input.signal.upstreams,
    succeeded: [],
    released: 0,
  };
  await Context.current().client.workflow.signalWithStart(AFTER_WORKFLOW_TYPE, {
    workflowId: input.coordinatorId,
    taskQueue: input.taskQueue,
    args: [initial],
    signal: upstreamSucceededSignal,
    signalArgs: [input.signal],
    staticSummary: `after: ${input.downstream}`,
    staticDetails: `Starts a run of ${input.downstream} once each of ${input.signal.upstreams.join(', ')} has succeeded.`,
  });
}

/** Starts the downstream's run (its workflow id; empty when its schedule is gone); a start retried after it went through finds the run and succeeds. */
export async function startDownstreamRun(input: DownstreamStart): Promise<string> {
  const client = Context.current().client;
  const id = scheduleId(input.project ?? 'default', input.environment, input.downstream);
  let d;
  try {
    d = await client.schedule.getHandle(id).describe();
  } catch (err) {
    // The downstream's schedule is gone (removed, pruned): there is nothing to start, and retrying cannot help.
    if ((err as Error).name === 'ScheduleNotFoundError') {
      log.warn(`after: schedule ${id} no longer exists; its upstreams' successes start nothing`);
      return '';
    }
    throw err;
  }
  const action = d.action;
  if (action.type !== 'startWorkflow') throw new Error(`schedule ${id}: action is ${action.type}, not startWorkflow`);
  const workflowId = `${action.workflowId}-after-${input.releaseKey}`;
  const memo: AfterRunMemo = { after: input.after };
  const upstreams = input.after.map((r) => `${r.schedule} (${r.workflowId})`).join(', ');
  try {
    await client.workflow.start(action.workflowType, {
      taskQueue: action.taskQueue,
      workflowId,
      args: action.args ?? [],
      ...(action.typedSearchAttributes ? { typedSearchAttributes: action.typedSearchAttributes } : {}),
      memo: { ...(action.memo ?? {}), ...memo },
      staticSummary: `${action.staticSummary ?? input.downstream} · after ${input.after.map((r) => r.schedule).join(', ')}`,
      staticDetails: `${action.staticDetails ?? ''}\n\nStarted after ${upstreams}.`,
    });
  } catch (err) {
    if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
  }
  return workflowId;
}

export function createAfterActivities() {
  return {
    [AFTER_ACTIVITY.releaseDownstream]: releaseDownstream,
    [AFTER_ACTIVITY.startDownstreamRun]: startDownstreamRun,
  };
}

export type AfterActivities = ReturnType<typeof createAfterActivities>;
