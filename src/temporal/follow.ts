/**
 * Follow a job run live: the workflow's progress query (which task runs,
 * which finished, with rows per stream) and the running task's heartbeat
 * (elapsed time, output lines), as events for the caller to show. The
 * heartbeat goes through the client's payload codec, so it reads the same
 * with encryption on.
 */
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { progressQuery } from '../../workflows/index.js';
import type { JobProgress, JobRunResult, TaskHeartbeat, TaskResult, TaskState } from '../../workflows/types.js';

export type FollowEvent =
  | { type: 'task'; index: number; total: number; args: string[]; state: TaskState; result?: TaskResult }
  | { type: 'heartbeat'; beat: TaskHeartbeat }
  | { type: 'completed'; result: JobRunResult }
  | { type: 'failed'; message: string };

/** Decode one heartbeat payload: codecs (in reverse order), then the payload converter. */
async function decodeHeartbeat(client: Client, payload: Payload): Promise<TaskHeartbeat> {
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  let decoded = [payload];
  for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return payloadConverter.fromPayload(decoded[0] as Payload);
}

/** Follow until the run ends; resolves true when it completed. */
export async function followRun(
  client: Client,
  workflowId: string,
  onEvent: (event: FollowEvent) => void,
): Promise<boolean> {
  const handle = client.workflow.getHandle(workflowId);
  const seen = new Map<number, TaskState>();
  let finished = false;
  const resultPromise = handle
    .result()
    .then(
      (r) => ({ ok: true as const, result: r as JobRunResult }),
      (e: unknown) => ({ ok: false as const, error: e as Error }),
    )
    .finally(() => {
      finished = true;
    });
  const report = (progress: JobProgress | null): void => {
    if (!progress) return;
    for (const t of progress.tasks) {
      if (seen.get(t.index) === t.state || t.state === 'pending') continue;
      seen.set(t.index, t.state);
      onEvent({
        type: 'task',
        index: t.index,
        total: progress.tasks.length,
        args: t.args,
        state: t.state,
        ...(t.result ? { result: t.result } : {}),
      });
    }
  };
  while (!finished) {
    try {
      report(await handle.query(progressQuery));
      const pending = ((await handle.describe()).raw.pendingActivities ?? [])[0];
      const payload = pending?.heartbeatDetails?.payloads?.[0];
      if (payload) onEvent({ type: 'heartbeat', beat: await decodeHeartbeat(client, payload as Payload) });
    } catch {
      // Queries fail while no worker is polling yet; keep waiting for the result.
    }
    await Promise.race([resultPromise, new Promise((r) => setTimeout(r, 1000))]);
  }
  const outcome = await resultPromise;
  try {
    report(await handle.query(progressQuery));
  } catch {
    /* the final state is in the result */
  }
  if (outcome.ok) {
    onEvent({ type: 'completed', result: outcome.result });
    return true;
  }
  const cause = (outcome.error as { cause?: Error }).cause;
  onEvent({ type: 'failed', message: cause?.message ?? outcome.error.message });
  return false;
}
