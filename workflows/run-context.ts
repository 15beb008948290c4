/**
 * The time a run stands for travels with it: resolved once by the `resolveJob` activity
 * (recorded in history), then handed to every task and kept in the run's result and
 * failure details for `runs`. Only data changes, no command: runs recorded before it
 * replay unchanged (their resolved job has no context, so nothing is added).
 */
import type { Provenance, ResolvedJob, RunContext } from './types.js';

export function withRunContext(resolved: Pick<ResolvedJob, 'runContext'>): { runContext?: RunContext } {
  return resolved.runContext ? { runContext: resolved.runContext } : {};
}

/** What a run's result and failure details keep of its resolved job: its time and what ran. */
export function runFacts(resolved: Pick<ResolvedJob, 'runContext' | 'provenance'>): {
  runContext?: RunContext;
  provenance?: Provenance;
} {
  return { ...withRunContext(resolved), ...(resolved.provenance ? { provenance: resolved.provenance } : {}) };
}
