/**
 * Tells the run's workflow how many rows the running task has counted so
 * far (from Singer METRIC lines), so the UI's current details show them.
 * Each report is a signal, i.e. a history event: the first count goes out
 * at once, later ones at most every `everyMs` and only when they changed;
 * the final counts travel in the task's result anyway.
 */
import type { Client } from '@temporalio/client';
import { taskRowsSignal } from '../workflows/contract.js';
import type { TaskRowsUpdate } from '../workflows/types.js';

export const ROWS_REPORT_EVERY_MS = Number(process.env.MELTANO_TEMPORAL_ROWS_REPORT_MS ?? 30_000);

export interface RowsReporter {
  /** Counts so far (cumulative per stream). */
  update(rows: Record<string, number>): void;
  /** Stop sending (the task is over); waits for a report in flight. */
  close(): Promise<void>;
}

export function rowsReporter(options: {
  client: Client | undefined;
  workflowId: string | undefined;
  runId: string | undefined;
  index: number;
  attempt: number;
  everyMs?: number;
  warn?: (message: string) => void;
}): RowsReporter {
  const everyMs = options.everyMs ?? ROWS_REPORT_EVERY_MS;
  const { client, workflowId } = options;
  if (!client || !workflowId) return { update: () => {}, close: async () => {} };
  const handle = client.workflow.getHandle(workflowId, options.runId);
  let lastSent = '';
  let lastAt = -Infinity;
  let pending: Record<string, number> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let closed = false;
  let warned = false;

  const send = (): void => {
    timer = undefined;
    if (!pending || closed) return;
    const rows = pending;
    pending = undefined;
    const text = JSON.stringify(rows);
    if (text === lastSent) return;
    lastSent = text;
    lastAt = Date.now();
    const update: TaskRowsUpdate = { index: options.index, attempt: options.attempt, rows };
    inFlight = handle.signal(taskRowsSignal, update).catch((err: unknown) => {
      // Progress is a nicety: a failed report never fails the task.
      if (!warned) options.warn?.(`could not report rows to the workflow: ${(err as Error).message}`);
      warned = true;
    });
  };

  return {
    update(rows) {
      if (closed) return;
      pending = { ...rows };
      if (timer) return;
      const wait = Math.max(0, lastAt + everyMs - Date.now());
      timer = setTimeout(send, wait);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
