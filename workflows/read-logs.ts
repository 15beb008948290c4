/**
 * The short workflow `runs logs` starts to read task logs written on another
 * host: it calls `readTaskLog` on the log queue of the worker that ran the
 * task. A worker that is gone never takes the activity: it times out waiting
 * to start, which the client reports as "the worker is gone".
 */
import { proxyActivities } from '@temporalio/workflow';
import type { LogActivities } from '../activities/index.js';
import { ACTIVITY } from './contract.js';
import type { ReadTaskLogInput, ReadTaskLogResult } from './types.js';

export interface ReadTaskLogsInput {
  /** The worker's log queue (`logQueueOf(identity)`). */
  queue: string;
  request: ReadTaskLogInput;
}

export async function readTaskLogs(input: ReadTaskLogsInput): Promise<ReadTaskLogResult> {
  const { [ACTIVITY.readTaskLog]: read } = proxyActivities<LogActivities>({
    taskQueue: input.queue,
    scheduleToStartTimeout: '10s',
    startToCloseTimeout: '30s',
    retry: { maximumAttempts: 1 },
  });
  return read(input.request);
}
