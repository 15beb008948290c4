/**
 * Live progress of a run, kept by the workflow for the UI's "current
 * details": each task's state, its duration and rows once done, and the rows
 * counted so far while it runs (sent by the task activity as a signal, since
 * a workflow cannot read heartbeats). Workflow code: deterministic, no Node.
 */
import { setCurrentDetails } from '@temporalio/workflow';
import { runCurrentDetails, taskText, type RunOrigin, type RunProgress } from './summary.js';
import type { ResolvedTask, TaskResult, TaskRowsUpdate, TaskState } from './types.js';

type Entry = { text: string; state: TaskState; rows?: Record<string, number>; durationMs?: number; attempt?: number };

export class RunTracker {
  private readonly tasks: Entry[];

  constructor(
    tasks: readonly ResolvedTask[],
    private readonly origin?: RunOrigin,
    /** Lines shown under the progress for the whole run (its interval and what ran: run-context.ts). */
    private readonly footer?: string,
  ) {
    this.tasks = tasks.map((t) => ({ text: taskText(t), state: 'pending' }));
    this.publish();
  }

  running(index: number): void {
    this.update(index, { state: 'running' });
  }

  /** A rows report from the running task; a newer attempt's report replaces an older one's. */
  rows(update: TaskRowsUpdate): void {
    const entry = this.tasks[update.index];
    if (!entry || entry.state !== 'running' || (entry.attempt ?? 0) > update.attempt) return;
    this.update(update.index, { rows: { ...update.rows }, attempt: update.attempt });
  }

  succeeded(result: TaskResult): void {
    this.update(result.index, {
      state: 'succeeded',
      rows: { ...result.rowsPerStream },
      durationMs: result.durationMs,
      attempt: result.attempt,
    });
  }

  failed(index: number): void {
    this.update(index, { state: 'failed' });
  }

  /** `runs retry`: a task that completed in the original run and is not run again. */
  skipped(index: number): void {
    this.update(index, { state: 'skipped' });
  }

  cancelled(index: number): void {
    this.update(index, { state: 'cancelled' });
  }

  snapshot(): RunProgress {
    return { tasks: this.tasks.map((t) => ({ ...t })), ...(this.origin ? { origin: this.origin } : {}) };
  }

  private update(index: number, change: Partial<Entry>): void {
    const entry = this.tasks[index];
    if (!entry) return;
    Object.assign(entry, change);
    this.publish();
  }

  private publish(): void {
    const details = runCurrentDetails(this.snapshot());
    setCurrentDetails(this.footer ? `${details}\n\n${this.footer}` : details);
  }
}
