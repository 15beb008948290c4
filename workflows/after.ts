/**
 * The coordinator of one downstream schedule (`annotations.temporal.after`): a workflow per downstream,
 * reached by signal-with-start from each upstream run that succeeds. It keeps the latest success of each
 * upstream and, once every upstream has one, starts the downstream's run (linked to those runs) and starts
 * over. Exactly once: the signals are recorded in its history, and the run's workflow id is made of the
 * release count, so a start retried after a worker died finds the run already started. A failed upstream
 * sends nothing: the downstream waits for its next success. It ends when nothing is pending, and continues
 * as new before its history grows long.
 */
import { condition, continueAsNew, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { AfterActivities } from '../activities/after.js';
import { AFTER_ACTIVITY, afterStateQuery, upstreamSucceededSignal } from './contract.js';
import type { AfterState } from './after-types.js';

const MAX_HISTORY_EVENTS = 4_000;

const { [AFTER_ACTIVITY.startDownstreamRun]: startDownstreamRun } = proxyLocalActivities<AfterActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '1 minute' },
});

export async function meltanoAfter(initial: AfterState): Promise<void> {
  const state: AfterState = { ...initial, upstreams: [...initial.upstreams], succeeded: [...initial.succeeded] };
  setHandler(afterStateQuery, () => state);
  setHandler(upstreamSucceededSignal, (s) => {
    state.upstreams = [...s.upstreams];
    state.succeeded = [
      ...state.succeeded.filter((r) => r.schedule !== s.schedule),
      { schedule: s.schedule, workflowId: s.workflowId, runId: s.runId },
    ];
  });
  const ready = (): boolean =>
    state.upstreams.length > 0 && state.upstreams.every((u) => state.succeeded.some((r) => r.schedule === u));
  for (;;) {
    await condition(ready);
    const after = state.upstreams.map((u) => state.succeeded.find((r) => r.schedule === u)).filter((r) => !!r);
    state.released += 1;
    // The successes that released this run are used up; one that arrives meanwhile counts for the next.
    state.succeeded = state.succeeded.filter((r) => !after.includes(r));
    await startDownstreamRun({
      ...(state.project ? { project: state.project } : {}),
      ...(state.environment ? { environment: state.environment } : {}),
      downstream: state.downstream,
      after,
      releaseKey: `${workflowInfo().firstExecutionRunId.slice(0, 8)}-${state.released}`,
    });
    if (!state.succeeded.length) return;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS)
      await continueAsNew<typeof meltanoAfter>(state);
  }
}
