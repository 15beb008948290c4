/**
 * The server as sync sees it: the few schedule calls it makes, and where the
 * server is (for messages). The SDK's `client.schedule` fits as it is; naming
 * only these calls lets unit tests plan and apply against an in-memory fake.
 */
import type { Client, ScheduleHandle, ScheduleOptions, ScheduleSummary } from '@temporalio/client';

/** The calls sync makes on one schedule. */
export type SyncScheduleHandle = Pick<ScheduleHandle, 'describe' | 'update' | 'delete'>;

/** The calls sync makes on the namespace's schedules: a subset of the SDK's ScheduleClient. */
export interface SyncSchedules {
  list(): AsyncIterable<ScheduleSummary>;
  create(options: ScheduleOptions): Promise<SyncScheduleHandle>;
  getHandle(scheduleId: string): SyncScheduleHandle;
}

export interface SyncServer {
  schedules: SyncSchedules;
  namespace: string;
  /** host:port, named in the message of a call that failed. */
  address: string;
}

export function syncServer(client: Client): SyncServer {
  const connection = client.connection as { options?: { address?: string } };
  return {
    schedules: client.schedule,
    namespace: client.options.namespace,
    address: connection.options?.address ?? '',
  };
}
