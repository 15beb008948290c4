/**
 * Task logs written on another host, fetched over Temporal for `runs logs`:
 * a short workflow (`readTaskLogs`, on the run's task queue) calls
 * `readTaskLog` on the log queue of the worker that ran the task, chunk by
 * chunk from the offsets already fetched. The bytes land in a local mirror
 * folder, so the printer reads (and follows) them like local files.
 */
import { TimeoutFailure, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TaskLog } from '../meltano/task-logs.js';
import { logQueueOf, READ_LOGS_WORKFLOW_TYPE } from '../../workflows/contract.js';
import type { ReadTaskLogsInput } from '../../workflows/read-logs.js';
import type { ReadTaskLogResult } from '../../workflows/types.js';

/** Per request: well under Temporal's payload limit (base64 adds a third). */
const CHUNK_BYTES = 512 * 1024;

/**
 * Whether the failure chain is a timeout: the activity was never picked up (no worker polls that
 * log queue), or no worker took the short workflow at all.
 */
function neverStarted(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) if (e instanceof TimeoutFailure) return true;
  return false;
}

export class RemoteLogMirror {
  private dir: string | undefined;
  /** Per worker identity: bytes fetched of each file, and the logs mirrored. */
  private readonly offsets = new Map<string, Record<string, number>>();
  private readonly logs = new Map<string, TaskLog>();

  constructor(
    private readonly client: Client,
    /** The run's task queue: its workers run the short workflow. */
    private readonly runQueue: string,
    private readonly workflowId: string,
  ) {}

  /** The mirrored files (a header names each by its worker and its path there). */
  list(task?: number): TaskLog[] {
    return [...this.logs.values()].filter((l) => task === undefined || l.task === task);
  }

  /**
   * Fetch what the worker `identity` has of `task` beyond what is mirrored.
   * @returns false when that worker is gone (nobody took the request)
   */
  async sync(identity: string, task: number): Promise<boolean> {
    const offsets = this.offsets.get(identity) ?? {};
    this.offsets.set(identity, offsets);
    for (;;) {
      let result: ReadTaskLogResult;
      try {
        const input: ReadTaskLogsInput = {
          queue: logQueueOf(identity),
          request: { workflowId: this.workflowId, task, offsets: { ...offsets }, maxBytes: CHUNK_BYTES },
        };
        result = await this.client.workflow.execute(READ_LOGS_WORKFLOW_TYPE, {
          taskQueue: this.runQueue,
          workflowId: `meltano-temporal-read-logs-${randomUUID()}`,
          args: [input],
          // No worker on the run's queue at all (a live one takes it within a second): give up, it is gone.
          workflowExecutionTimeout: '20s',
        });
      } catch (err) {
        if (neverStarted(err)) return false;
        throw err;
      }
      for (const f of result.files) {
        const bytes = Buffer.from(f.data, 'base64');
        const key = `${f.task}-${f.attempt}`;
        let log = this.logs.get(key);
        if (!log) {
          this.dir ??= mkdtempSync(path.join(os.tmpdir(), 'meltano-temporal-logs-'));
          log = { task: f.task, attempt: f.attempt, file: path.join(this.dir, f.name) };
          log.shownAs = `worker ${identity}: ${path.join(result.dir, f.name)}`;
          this.logs.set(key, log);
          await appendFile(log.file, '');
        }
        if (bytes.length) await appendFile(log.file, bytes);
        offsets[f.name] = f.offset + bytes.length;
      }
      if (!result.more) return true;
    }
  }

  /** Remove the mirror folder. */
  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
