/**
 * A pool: one long-running workflow per pool (`meltano-pool:<project>:<env>:<name>`) that hands its slots to
 * job runs, first come, first served, never more than its size at once, whichever worker runs them. Runs reach
 * it by signal-with-start (./pool-slot.ts), wait for a `poolGranted` signal and give the slot back with a
 * `poolRelease` signal when they end. A holder that ends without releasing (terminated, timed out, its
 * history reset) is found by asking the server which holders have closed, every CHECK_EVERY while other runs
 * wait; a worker that dies does not end a run (its task is retried on another worker after its heartbeat
 * timeout), so the run keeps its slot. The pool ends when nobody holds or waits, and continues as new
 * before its history grows long.
 */
import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { PoolActivities } from '../activities/pool.js';
import {
  POOL_ACTIVITY,
  poolAcquireSignal,
  poolGrantedSignal,
  poolReleaseSignal,
  poolStateQuery,
  poolWaitingSignal,
} from './contract.js';
import type { PoolHolder, PoolState } from './pool-types.js';

/** How often the holders are checked while runs wait: a slot whose run closed without a release frees within it. */
const CHECK_EVERY = '20 seconds';
/** Continue as new before the history nears the server's limits (the server also suggests it). */
const MAX_HISTORY_EVENTS = 4_000;

const { [POOL_ACTIVITY.closedPoolHolders]: closedPoolHolders } = proxyLocalActivities<PoolActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '2s' },
});

const same = (a: PoolHolder, b: PoolHolder): boolean => a.workflowId === b.workflowId && a.runId === b.runId;

export async function meltanoPool(initial: PoolState): Promise<void> {
  const state: PoolState = {
    name: initial.name,
    size: initial.size,
    holders: [...initial.holders],
    waiting: [...initial.waiting],
  };
  // Waiting runs not yet told how full the pool is (a run that continues-as-new keeps the told ones told).
  let untold: PoolHolder[] = [...initial.waiting];
  let changed = true;
  setHandler(poolStateQuery, () => state);
  setHandler(poolAcquireSignal, (request) => {
    const holder = { workflowId: request.workflowId, runId: request.runId };
    // A retried request (the asking activity ran twice) changes nothing.
    if (state.holders.some((h) => same(h, holder)) || state.waiting.some((h) => same(h, holder))) return;
    state.size = request.size;
    state.waiting.push(holder);
    untold.push(holder);
    changed = true;
  });
  setHandler(poolReleaseSignal, (holder) => {
    drop(state, holder);
    untold = untold.filter((h) => !same(h, holder));
    changed = true;
  });

  for (;;) {
    changed = false;
    while (state.holders.length < state.size && state.waiting.length) {
      const next = state.waiting.shift() as PoolHolder;
      untold = untold.filter((h) => !same(h, next));
      state.holders.push(next);
      // A run that closed meanwhile cannot take its slot: the signal fails and the slot goes to the next.
      const sent = await tell(next, poolGrantedSignal, { pool: state.name, size: state.size });
      if (!sent) drop(state, next);
    }
    for (const holder of untold) {
      const ahead = state.waiting.findIndex((h) => same(h, holder));
      if (ahead < 0) continue;
      const wait = { pool: state.name, busy: state.holders.length, size: state.size, ahead };
      if (!(await tell(holder, poolWaitingSignal, wait))) drop(state, holder);
    }
    untold = [];
    if (!state.holders.length && !state.waiting.length) return;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS) {
      await continueAsNew<typeof meltanoPool>(state);
    }
    if (!state.waiting.length) {
      await condition(() => changed);
      continue;
    }
    // Runs wait: if no signal comes within CHECK_EVERY, free the slots of holders that have closed.
    if (!(await condition(() => changed, CHECK_EVERY))) {
      for (const closed of await closedPoolHolders(state.holders)) drop(state, closed);
    }
  }
}

function drop(state: PoolState, holder: PoolHolder): void {
  state.holders = state.holders.filter((h) => !same(h, holder));
  state.waiting = state.waiting.filter((h) => !same(h, holder));
}

/** Signal one run; false when it has closed (its slot or place is then given up). */
async function tell<T>(
  holder: PoolHolder,
  signal: import('@temporalio/workflow').SignalDefinition<[T]>,
  arg: T,
): Promise<boolean> {
  try {
    await getExternalWorkflowHandle(holder.workflowId, holder.runId).signal(signal, arg);
    return true;
  } catch {
    return false;
  }
}
