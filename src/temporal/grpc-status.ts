/**
 * gRPC status codes of the server's answers, and how to find one on an SDK
 * error. The SDK wraps the transport's error (a ServiceError with a numeric
 * `code`) in its own, so the code may sit a few causes down. Named here once:
 * the SDK's own code table (@grpc/grpc-js) is not a dependency of ours.
 */

/** The codes we act on (https://grpc.io/docs/guides/status-codes/). */
export const GrpcStatus = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  /** The server's rate limiter refused the request. */
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** The gRPC status code of an SDK error, looking through its causes (five deep at most: a chain may loop). */
export function grpcCode(err: unknown): number | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'number') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}
