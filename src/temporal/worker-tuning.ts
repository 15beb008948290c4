/**
 * How many activity pollers a worker runs for its task slots, so that eager
 * activity dispatch can happen.
 *
 * Eager dispatch: when a workflow task schedules the next `meltano` task, the
 * server can hand that activity back in its answer to the worker that
 * completes the workflow task, skipping the task queue (one server dispatch
 * less per task boundary, and no matching delay). Core (SDK 1.24) asks for it
 * only when it can take a free activity slot at that moment, and every
 * activity poll in flight holds a slot, plus one for the poll loop waiting for
 * a poller. The SDK's default is as many pollers as slots (up to 10), so a
 * worker never had a free slot and eager never happened. With P pollers an idle
 * worker holds P + 1 slots: eager needs at least P + 2 slots.
 *
 * One poller per 4 slots (at least 1, at most the SDK's 10) leaves 4 slots
 * with 2 free. A poll that finds a task waiting returns at once, so one poller
 * fills free slots within milliseconds of each other; `meltano` tasks last
 * seconds. With 1 or 2 slots (`--max-concurrent-tasks 1`) no slot is ever free
 * for eager: every task then goes through the task queue, as before.
 *
 * The SDK reads `activityTaskPollerBehavior`; `maxConcurrentActivityTaskPolls`
 * is still declared in its types but no longer read.
 */
export function activityPollers(slots: number): number {
  return Math.min(10, Math.max(1, Math.floor(slots / 4)));
}

/**
 * Whether a worker with these slots (and pollers, default as above) can ever be handed an activity
 * eagerly: each poll in flight holds a slot and the poll loop one more, so 2 must be left over.
 */
export function eagerPossible(slots: number, pollers: number = activityPollers(slots)): boolean {
  return slots >= pollers + 2;
}
