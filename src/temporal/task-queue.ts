/** Who polls a task queue: the workers serving it. */
import type { Client } from '@temporalio/client';
import { protoSdk } from './sdk.js';

/** Distinct identities of the workers polling the task queue for activities (`pid@host`). */
export async function activityPollers(client: Client, taskQueue: string): Promise<string[]> {
  const { temporal } = protoSdk();
  const r = await client.connection.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  return [...new Set((r.pollers ?? []).map((p) => p.identity ?? '?'))];
}
