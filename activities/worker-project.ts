/**
 * The project a worker serves. Runs started by Temporal Schedules carry the
 * project's name, not a path: each worker resolves it to its own checkout,
 * so the same schedules work whatever the path on each worker host.
 */
let root: string | undefined;

export function setWorkerProjectRoot(dir: string): void {
  root = dir;
}

export function projectRootFor(input: { projectRoot?: string }): string {
  const dir = input.projectRoot ?? root;
  if (!dir) throw new Error('this worker has no project: start it with `meltano-temporal worker --project DIR`');
  return dir;
}
