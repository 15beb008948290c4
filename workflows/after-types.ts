/**
 * The data of `annotations.temporal.after` (names in ./contract.ts): what sync writes into an upstream's
 * input, what an upstream tells the coordinator of a downstream, and the links a released run carries.
 */

/** A schedule that runs after the upstream, with every schedule it runs after (as of the last sync). */
export interface DownstreamRelease {
  schedule: string;
  upstreams: string[];
}

/** One upstream run that succeeded. */
export interface UpstreamRun {
  schedule: string;
  workflowId: string;
  runId: string;
}

/** Sent by an upstream that succeeded to its downstream's coordinator (signal-with-start). */
export interface UpstreamSucceeded extends UpstreamRun {
  /** The downstream's upstreams as the upstream's input says (the newest sync wins). */
  upstreams: string[];
}

/** The coordinator's state: carried across continue-as-new, and what the `afterState` query returns. */
export interface AfterState {
  project?: string;
  environment?: string;
  downstream: string;
  upstreams: string[];
  /** The latest success of each upstream since the downstream was last released. */
  succeeded: UpstreamRun[];
  /** Releases so far (the next run's id is made of it, so a retried start never starts twice). */
  released: number;
}

/** What the upstream's local activity hands to signal-with-start. */
export interface ReleaseRequest {
  coordinatorId: string;
  taskQueue: string;
  project?: string;
  environment?: string;
  downstream: string;
  signal: UpstreamSucceeded;
}

/** What the coordinator's activity needs to start the downstream's run. */
export interface DownstreamStart {
  project?: string;
  environment?: string;
  downstream: string;
  after: UpstreamRun[];
  /** Unique per release of this downstream: part of the run's workflow id. */
  releaseKey: string;
}

/** The memo of a run started after its upstreams: the runs that released it. */
export interface AfterRunMemo {
  after: UpstreamRun[];
}

/** The coordinator's workflow id: one per downstream schedule, project and environment. */
export function afterWorkflowId(
  project: string | undefined,
  environment: string | undefined,
  downstream: string,
): string {
  return `meltano-after:${project ?? 'default'}:${environment ?? 'default'}:${downstream}`;
}
