/**
 * The data a pool's workflow and its job runs exchange (names in ./contract.ts). Names and ids only: all of
 * it lands in history.
 */

/** Which pool a run needs and its size, as sync wrote it into the schedule's action (so a size changes at sync). */
export interface PoolNeed {
  name: string;
  size: number;
}

/** A job run that holds or waits for a slot: one run of one workflow id. */
export interface PoolHolder {
  workflowId: string;
  runId: string;
}

/** A run asking for a slot; the pool adopts the size of its latest request (the schedule's, since the last sync). */
export interface PoolRequest extends PoolHolder {
  size: number;
}

/** What the requesting activity hands to signal-with-start. */
export interface PoolSlotRequest {
  poolId: string;
  pool: string;
  taskQueue: string;
  request: PoolRequest;
}

/** The pool's state: carried across continue-as-new, and what the `poolState` query returns. */
export interface PoolState {
  name: string;
  size: number;
  /** In the order they were granted. */
  holders: PoolHolder[];
  /** First come, first served. */
  waiting: PoolHolder[];
}

/** Sent to a run that got its slot. */
export interface PoolGrant {
  pool: string;
  size: number;
}

/** Sent to a run that waits: how full the pool is, and how many wait before it. */
export interface PoolWait {
  pool: string;
  busy: number;
  size: number;
  ahead: number;
}

/** `waiting for pool warehouse (2/2 busy)`: in `runs` and the UI's current details. */
export function poolWaitText(wait: Pick<PoolWait, 'pool' | 'busy' | 'size'>): string {
  return `waiting for pool ${wait.pool} (${wait.busy}/${wait.size} busy)`;
}

/** The pool's workflow id: one per pool, project and environment, beside the schedules' `meltano:` ids. */
export function poolWorkflowId(project: string | undefined, environment: string | undefined, pool: string): string {
  return `meltano-pool:${project ?? 'default'}:${environment ?? 'default'}:${pool}`;
}
