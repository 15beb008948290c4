/**
 * The bench's job written against the bare Temporal SDK, as a reference for
 * `npm run bench -- orchestration`: each task one activity, in turn, with the
 * SDK's defaults and nothing of ours (no job resolution, progress, notices).
 * Its task boundary is what the SDK and the server cost by themselves.
 */
import { proxyActivities } from '@temporalio/workflow';

export interface BareActivities {
  /** Named like ours so the same history breakdown reads both. */
  runMeltanoTask(args: string[]): Promise<number>;
}

const { runMeltanoTask } = proxyActivities<BareActivities>({ startToCloseTimeout: '1 minute' });

export async function bareJob(tasks: string[][]): Promise<void> {
  for (const args of tasks) await runMeltanoTask(args);
}
