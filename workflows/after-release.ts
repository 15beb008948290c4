/**
 * An upstream run's side of `annotations.temporal.after`: when it succeeds, it tells each downstream's
 * coordinator (./after.ts) by signal-with-start; when it fails, its memo names the downstreams it holds back.
 */
import { proxyLocalActivities, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { AfterActivities } from '../activities/after.js';
import { AFTER_ACTIVITY, type HoldsMemo } from './contract.js';
import { afterWorkflowId, type DownstreamRelease } from './after-types.js';

const { [AFTER_ACTIVITY.releaseDownstream]: releaseDownstream } = proxyLocalActivities<AfterActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

export async function releaseDownstreams(
  downstreams: readonly DownstreamRelease[],
  scope: { project?: string | undefined; schedule?: string | undefined; environment?: string | undefined },
): Promise<void> {
  const info = workflowInfo();
  if (!scope.schedule) return;
  for (const d of downstreams) {
    await releaseDownstream({
      coordinatorId: afterWorkflowId(scope.project, scope.environment, d.schedule),
      taskQueue: info.taskQueue,
      ...(scope.project ? { project: scope.project } : {}),
      ...(scope.environment ? { environment: scope.environment } : {}),
      downstream: d.schedule,
      signal: { schedule: scope.schedule, workflowId: info.workflowId, runId: info.runId, upstreams: d.upstreams },
    });
  }
}

/** A failed upstream: `runs` and the alert name the downstreams it holds back. */
export function markHeld(downstreams: readonly DownstreamRelease[]): string[] {
  const holds = downstreams.map((d) => d.schedule);
  const memo: HoldsMemo = { holds };
  upsertMemo(memo);
  return holds;
}
