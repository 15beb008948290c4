/**
 * The activities of pools (see workflows/pool.ts): asking a pool for a slot by signal-with-start, so the
 * pool's workflow starts with the first run that needs it, and telling the pool which of its holders have
 * closed. Both use the worker's own client (the activity context's).
 */
import { Context } from '@temporalio/activity';
import { POOL_ACTIVITY, POOL_WORKFLOW_TYPE, poolAcquireSignal } from '../workflows/contract.js';
import type { PoolHolder, PoolSlotRequest, PoolState } from '../workflows/pool-types.js';

/** Signal-with-start: the pool's workflow gets the request whether it runs already or not. */
export async function requestPoolSlot(input: PoolSlotRequest): Promise<void> {
  const initial: PoolState = { name: input.pool, size: input.request.size, holders: [], waiting: [] };
  await Context.current().client.workflow.signalWithStart(POOL_WORKFLOW_TYPE, {
    workflowId: input.poolId,
    taskQueue: input.taskQueue,
    args: [initial],
    signal: poolAcquireSignal,
    signalArgs: [input.request],
    staticSummary: `pool ${input.pool}`,
    staticDetails: `Hands out the slots of pool ${input.pool} (annotations.temporal.pools) to the runs that need one.`,
  });
}

/** The holders whose run has closed (or is gone): the pool frees their slots. */
export async function closedPoolHolders(holders: PoolHolder[]): Promise<PoolHolder[]> {
  const client = Context.current().client;
  const closed: PoolHolder[] = [];
  for (const holder of holders) {
    try {
      const d = await client.workflow.getHandle(holder.workflowId, holder.runId).describe();
      if (d.status.name !== 'RUNNING') closed.push(holder);
    } catch (err) {
      if ((err as Error).name === 'WorkflowNotFoundError') closed.push(holder);
      else throw err;
    }
  }
  return closed;
}

export function createPoolActivities() {
  return {
    [POOL_ACTIVITY.requestPoolSlot]: requestPoolSlot,
    [POOL_ACTIVITY.closedPoolHolders]: closedPoolHolders,
  };
}

export type PoolActivities = ReturnType<typeof createPoolActivities>;
