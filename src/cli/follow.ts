/**
 * Follow a job run live: which task is running, for how long, how many
 * output lines, and each task's end with its rows per stream. Polls the
 * workflow's `progress` query and the running activity's heartbeat.
 */
import type { Client } from '@temporalio/client';
import type { JobProgress, JobRunResult, TaskHeartbeat, TaskResult } from '../../workflows/types.js';

function rows(result: TaskResult): string {
  const entries = Object.entries(result.rowsPerStream);
  return entries.length ? `, rows: ${entries.map(([s, n]) => `${s}=${n}`).join(' ')}` : '';
}

export async function followRun(
  client: Client,
  workflowId: string,
  out: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const handle = client.workflow.getHandle(workflowId);
  const seen = new Map<number, string>();
  let lastBeat = '';
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
    const total = progress.tasks.length;
    for (const t of progress.tasks) {
      if (seen.get(t.index) === t.state || t.state === 'pending') continue;
      seen.set(t.index, t.state);
      const label = `[${t.index + 1}/${total}] ${t.args.join(' ')}`;
      if (t.state === 'running') out.write(`${label}: started\n`);
      else if (t.state === 'succeeded' && t.result)
        out.write(
          `${label}: finished in ${(t.result.durationMs / 1000).toFixed(1)}s (attempt ${t.result.attempt})${rows(t.result)}\n`,
        );
      else out.write(`${label}: ${t.state}\n`);
    }
  };
  while (!finished) {
    try {
      report(await handle.query<JobProgress | null>('progress'));
      const desc = await handle.describe();
      const pending = (desc.raw.pendingActivities ?? [])[0];
      const payload = pending?.heartbeatDetails?.payloads?.[0];
      if (payload) {
        const beat = (await client.options.loadedDataConverter.payloadConverter.fromPayload(payload)) as TaskHeartbeat;
        const text = `  … ${(beat.elapsedMs / 1000).toFixed(0)}s, ${beat.lines} lines${beat.lastLine ? `: ${beat.lastLine.slice(0, 120)}` : ''}`;
        if (text !== lastBeat) out.write(`${text}\n`);
        lastBeat = text;
      }
    } catch {
      // Queries fail while no worker is polling yet; keep waiting for the result.
    }
    await Promise.race([resultPromise, new Promise((r) => setTimeout(r, 1000))]);
  }
  const outcome = await resultPromise;
  try {
    report(await handle.query<JobProgress | null>('progress'));
  } catch {
    /* the final state is in the result */
  }
  if (outcome.ok) {
    out.write(`run ${workflowId} completed: ${outcome.result.tasks.length} task(s)\n`);
    return 0;
  }
  const cause = (outcome.error as { cause?: Error }).cause;
  out.write(`run ${workflowId} failed: ${cause?.message ?? outcome.error.message}\n`);
  return 1;
}
