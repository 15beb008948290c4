/**
 * The time a run stands for travels with it: resolved once by the `resolveJob` activity
 * (recorded in history), then handed to every task and kept in the run's result and
 * failure details for `runs`. Only data changes, no command: runs recorded before it
 * replay unchanged (their resolved job has no context, so nothing is added).
 */
import type { ResolvedJob, RunContext } from './types.js';

export function withRunContext(resolved: Pick<ResolvedJob, 'runContext'>): { runContext?: RunContext } {
  return resolved.runContext ? { runContext: resolved.runContext } : {};
}
