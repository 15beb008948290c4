/**
 * Sync's retry of a call the server was too busy to answer. A sync of a
 * thousand schedules sends thousands of calls; one refused call must not
 * fail its schedule when the server only needed a moment.
 */
import { grpcCode, GrpcStatus } from '../grpc-status.js';

/**
 * Pauses between attempts, ms: 2, 4, 8, 16, 30, 30 s. The client already retries
 * RESOURCE_EXHAUSTED and UNAVAILABLE for about 35 s; these cover a longer spell.
 */
const PAUSES_MS = [2_000, 4_000, 8_000, 16_000, 30_000, 30_000];

export interface BusyRetryOptions {
  /**
   * Whether the call may safely run twice: then a deadline exceeded or unavailable
   * is retried too (an overloaded server answers schedule describes, which query the
   * schedule's own workflow, that way). A call that timed out may still have happened:
   * a delete, or a migration's create, run again would then fail where the first one
   * succeeded, so for those only the rate limiter's refusal (it did not happen) is retried.
   */
  repeatable?: boolean;
  /** How to wait (unit tests pass one that does not). */
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether `err` says the server was too busy for the call, as opposed to refusing it. */
export function isBusy(err: unknown, repeatable: boolean): boolean {
  const code = grpcCode(err);
  if (code === GrpcStatus.RESOURCE_EXHAUSTED) return true;
  return repeatable && (code === GrpcStatus.DEADLINE_EXCEEDED || code === GrpcStatus.UNAVAILABLE);
}

/** Run `fn`, again after a pause while the server is too busy for it; any other error at once. */
export async function retryBusy<T>(fn: () => Promise<T>, options: BusyRetryOptions = {}): Promise<T> {
  const { repeatable = true, sleep = sleepFor } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const pause = PAUSES_MS[attempt];
      if (pause === undefined || !isBusy(err, repeatable)) throw err;
      // Jitter, so callers refused together do not come back together.
      await sleep(pause * (0.75 + Math.random() / 2));
    }
  }
}
