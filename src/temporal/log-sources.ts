/**
 * Where `runs logs` finds each task's log, in order: this host's project
 * (the task ran here), the shared log archive (MELTANO_TEMPORAL_LOG_ARCHIVE,
 * finished attempts of any worker), and the worker that ran it, over
 * Temporal (remote-logs.ts). One attempt's log is read from the first source
 * that has it.
 */
import type { Client } from '@temporalio/client';
import path from 'node:path';
import { listLogFiles, listTaskLogs, type TaskLog } from '../meltano/task-logs.js';
import { archivedRunDir, logArchiveDir } from '../logs/archive.js';
import { RemoteLogMirror } from './remote-logs.js';
import type { TaskRecord } from './run-logs.js';

export class LogSources {
  private readonly archive = logArchiveDir();
  private readonly mirror: RemoteLogMirror;
  /** Tasks whose worker did not answer, by task number. */
  private readonly gone = new Map<number, TaskRecord>();
  /** Worker identities that did not answer: not asked again (each question waits for its timeout). */
  private readonly goneWorkers = new Set<string>();

  constructor(
    client: Client,
    private readonly root: string,
    private readonly workflowId: string,
    runQueue: string,
    /** 1-based task; every task when undefined. */
    private readonly task: number | undefined,
  ) {
    this.mirror = new RemoteLogMirror(client, runQueue, workflowId);
  }

  private local(task?: number): TaskLog[] {
    return listTaskLogs(this.root, this.workflowId, task);
  }

  private archived(task?: number): TaskLog[] {
    return this.archive ? listLogFiles(archivedRunDir(this.archive, this.workflowId), task) : [];
  }

  /**
   * Fetch, from the worker that ran it, each task that is neither in this project nor (finished) in
   * the archive. `closed`: the run is over, so an archived task has all its attempts there.
   */
  async fetchRemote(records: TaskRecord[], closed: boolean): Promise<void> {
    for (const r of records) {
      if ((this.task !== undefined && r.task !== this.task) || !r.worker || this.gone.has(r.task)) continue;
      if (this.local(r.task).length) continue;
      const archived = this.archived(r.task);
      const lastArchived = r.logFile && archived.some((l) => path.basename(l.file) === path.basename(r.logFile ?? ''));
      if (archived.length && (closed || lastArchived)) continue;
      if (this.goneWorkers.has(r.worker) || !(await this.mirror.sync(r.worker, r.task))) {
        this.gone.set(r.task, r);
        this.goneWorkers.add(r.worker);
      }
    }
  }

  /** Tasks whose worker is gone and whose log no other source has. */
  unreachable(): TaskRecord[] {
    return [...this.gone.values()].filter((r) => !this.archived(r.task).length);
  }

  /** Every log found, one per task attempt, in task then attempt order. */
  list(): TaskLog[] {
    const seen = new Map<string, TaskLog>();
    for (const l of [...this.local(this.task), ...this.archived(this.task), ...this.mirror.list(this.task)]) {
      const key = `${l.task}-${l.attempt}`;
      if (!seen.has(key)) seen.set(key, l);
    }
    return [...seen.values()].sort((a, b) => a.task - b.task || a.attempt - b.attempt);
  }

  close(): void {
    this.mirror.close();
  }
}
