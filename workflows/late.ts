/**
 * When a run becomes late: `deadline` after its scheduled time (the time the
 * schedule meant it to start, not when a worker took it). A run started by
 * hand or by `runs retry` has no scheduled time: its start counts.
 * Pure and deterministic: the workflow calls it with workflow time.
 */
export function msUntilLate(
  deadlineMs: number,
  scheduledAtMs: number | undefined,
  startedAtMs: number,
  nowMs: number,
): number {
  return Math.max(0, (scheduledAtMs ?? startedAtMs) + deadlineMs - nowMs);
}
