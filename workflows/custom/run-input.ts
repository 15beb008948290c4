/**
 * The input a custom workflow was started with (the schedule action's
 * `JobRunInput`: project, schedule, environment, `meltano run` options), kept
 * for `meltanoRun` so authors need not pass it along. Set by the inbound
 * interceptor of ./interceptors.ts before the workflow function runs. Module
 * state is per workflow execution: the SDK gives each run its own module
 * cache, in a reused V8 context too.
 */
import type { JobRunInput } from '../types.js';

let current: JobRunInput | undefined;

/** A plain object is taken as the run's input; anything else (a custom argument list) is not. */
export function rememberRunInput(first: unknown): void {
  current = first !== null && typeof first === 'object' && !Array.isArray(first) ? (first as JobRunInput) : undefined;
}

/** The run's input when a schedule (or `schedule run`) started it; undefined for a run started by hand without one. */
export function runInput(): JobRunInput | undefined {
  return current;
}
