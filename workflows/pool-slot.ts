/**
 * A job run's side of a pool (see ./pool.ts): ask for a slot, wait for it (showing "waiting for pool NAME
 * (2/2 busy)" meanwhile), and give it back when the run ends, however it ends.
 */
import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type { PoolActivities } from '../activities/pool.js';
import {
  POOL_ACTIVITY,
  type PoolWaitMemo,
  poolGrantedSignal,
  poolReleaseSignal,
  poolWaitingSignal,
} from './contract.js';
import { poolWaitText, poolWorkflowId, type PoolNeed, type PoolWait } from './pool-types.js';
import type { RunTracker } from './progress.js';
import { runCurrentDetails } from './summary.js';
import type { JobProgress } from './types.js';

const { [POOL_ACTIVITY.requestPoolSlot]: requestPoolSlot } = proxyLocalActivities<PoolActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

export interface PoolSlot {
  /** Give the slot back (also when the run was cancelled); a pool that is gone needs nothing. */
  release(): Promise<void>;
}

/**
 * Wait for a slot of `need`'s pool. `onWait` hears how full the pool is while the run waits (null once it got
 * the slot). Cancelling the run while it waits gives up its place.
 */
export async function takePoolSlot(
  need: PoolNeed,
  scope: { project?: string | undefined; environment?: string | undefined },
  onWait: (wait: PoolWait | null) => void,
): Promise<PoolSlot> {
  const info = workflowInfo();
  const poolId = poolWorkflowId(scope.project, scope.environment, need.name);
  const holder = { workflowId: info.workflowId, runId: info.runId };
  let granted = false;
  let waited = false;
  setHandler(poolGrantedSignal, () => {
    granted = true;
  });
  setHandler(poolWaitingSignal, (wait) => {
    if (granted) return;
    waited = true;
    onWait(wait);
  });
  const release = (): Promise<void> =>
    CancellationScope.nonCancellable(() =>
      getExternalWorkflowHandle(poolId)
        .signal(poolReleaseSignal, holder)
        .catch(() => undefined),
    );
  try {
    await requestPoolSlot({
      poolId,
      pool: need.name,
      taskQueue: info.taskQueue,
      request: { ...holder, size: need.size },
    });
    await condition(() => granted);
  } catch (err) {
    await release();
    throw err;
  }
  if (waited) onWait(null);
  return { release };
}

/** While the run waits: the wait in `runs` (the run's memo, the progress query) and on top of the UI's current details. */
export function showPoolWait(progress: JobProgress | null, tracker: RunTracker, wait: PoolWait | null): void {
  if (progress) {
    if (wait) progress.waiting = poolWaitText(wait);
    else delete progress.waiting;
  }
  const memo: PoolWaitMemo = { waiting: wait ? poolWaitText(wait) : undefined };
  upsertMemo(memo);
  const details = runCurrentDetails(tracker.snapshot());
  setCurrentDetails(wait ? `**${poolWaitText(wait)}**\n\n${details}` : details);
}
