/** How long the namespace keeps closed runs' history: the default retention of task logs. */
import type { NativeConnection } from '@temporalio/worker';

/** Milliseconds, or undefined when the server does not say. */
export async function namespaceRetentionMs(
  connection: NativeConnection,
  namespace: string,
): Promise<number | undefined> {
  const r = await connection.workflowService.describeNamespace({ namespace });
  const ttl = r.config?.workflowExecutionRetentionTtl;
  if (!ttl) return undefined;
  const ms = Number(ttl.seconds ?? 0) * 1000 + Math.round((ttl.nanos ?? 0) / 1e6);
  return ms > 0 ? ms : undefined;
}
