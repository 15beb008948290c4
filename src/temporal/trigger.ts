/** Trigger a schedule now, with its own overlap policy, and find the run it started. */
import type { ScheduleHandle } from '@temporalio/client';

export interface TriggerOutcome {
  /** The workflow id of the new run; undefined when the server started none. */
  started?: string;
  /** Runs that were in progress when triggering. */
  running: string[];
  overlap: string | undefined;
}

export async function triggerAndFindRun(handle: ScheduleHandle, timeoutMs = 15_000): Promise<TriggerOutcome> {
  const description = await handle.describe();
  const seen = new Set([
    ...description.info.recentActions.map((a) => a.action.workflow.workflowId),
    ...description.info.runningActions.map((a) => a.workflow.workflowId),
  ]);
  const running = description.info.runningActions.map((a) => a.workflow.workflowId);
  // The SDK's trigger defaults to ALLOW_ALL: pass the schedule's own policy so a run in progress is respected.
  await handle.trigger(description.policies.overlap);
  // The trigger is asynchronous on the server: wait for the new action to appear.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = await handle.describe();
    const started = [
      ...now.info.runningActions.map((a) => a.workflow.workflowId),
      ...now.info.recentActions.map((a) => a.action.workflow.workflowId),
    ].find((w) => !seen.has(w));
    if (started) return { started, running, overlap: description.policies.overlap };
    await new Promise((r) => setTimeout(r, 300));
  }
  return { running, overlap: description.policies.overlap };
}
