/**
 * Dynamic configuration we give every Temporal server we start: the embedded
 * dev server (`up`, as `--dynamic-config-value` flags) and the self-hosted
 * cluster (deploy/dynamicconfig.yaml, which a unit test holds equal to this).
 *
 * Why: a Temporal Schedule is a workflow run by the server's own per-namespace
 * system worker, which by default polls its task queue with 2 workflow pollers.
 * When hundreds of schedules share a cron, all their scheduler workflows wake in
 * the same second and queue behind those 2 pollers: measured with 500 schedules
 * on '* * * * *' (bench/cluster-load.ts), the system task queue held a backlog
 * over 1m40s old while the server's CPU sat idle, runs started at ~4 a second
 * and the overlap policy skipped the rest. More pollers cost a goroutine and a
 * long poll each.
 *
 * The sticky timeout: that worker keeps each schedule's workflow cached and gets
 * its next task on a queue of its own (sticky) with most of its pollers. When a
 * burst keeps a task there longer than the default 5 s, the server moves it to
 * the normal queue, which few pollers serve: the stall after the first seconds of
 * every minute. With 60 s the tasks wait where the pollers are (same bench,
 * missed runs 1012 -> 355 of 2500). A worker that dies leaves its sticky queue
 * without pollers; the server then sends the tasks to the normal queue anyway.
 *
 * The transfer throttle: each history shard loads its transfer tasks (a
 * workflow task or an activity task to dispatch) at most
 * `history.transferProcessorMaxPollRPS` times a second, default 20 with a burst
 * of 20. A task boundary needs two of them, so once the burst is spent every
 * boundary of back-to-back short tasks waited 2 x 50 ms (100 ms measured on the
 * dev server, which has one shard). Measured side by side (bench/RESULTS.md,
 * "The task boundary was a server throttle"): 50/s gave 40 ms,
 * 100/s and more 12-15 ms, the same within noise up to 10,000/s; 1000 keeps that
 * with a margin for many runs at once. It bounds how often a shard reads its
 * queue, not how much work there is: with 500 every-minute schedules the 2 cores
 * were the limit either way.
 */
export const SERVER_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'worker.perNamespaceWorkerOptions': {
    MaxConcurrentWorkflowTaskPollers: 16,
    MaxConcurrentActivityTaskPollers: 4,
    StickyScheduleToStartTimeout: '60s',
  },
  'history.transferProcessorMaxPollRPS': 1000,
};

/**
 * SQLite pragmas of the embedded dev server's file (`--sqlite-pragma`).
 * WAL: a commit appends to the -wal file instead of rewriting pages through a
 * rollback journal; with the throttle gone this took 5-9 ms off each task
 * boundary (as fast as the in-memory server). synchronous=NORMAL: in WAL mode
 * SQLite then syncs at checkpoints, not at every commit, so the file never
 * corrupts, but a power cut or an OS crash can roll back the transactions of the
 * last moments before it (a run's latest events, a schedule just synced); the
 * next `up` re-syncs the schedules from meltano.yml, and a run whose events were
 * lost is retried from its last recorded step. A crash of the process alone loses
 * nothing. OFF was no faster (measured), and risks a corrupt file: not used.
 */
export const DEV_SERVER_SQLITE_PRAGMAS: Readonly<Record<string, string>> = {
  journal_mode: 'wal',
  synchronous: 'normal',
};

/** `temporal server start-dev` flags setting these pragmas. */
export function devServerSqliteArgs(pragmas: Readonly<Record<string, string>> = DEV_SERVER_SQLITE_PRAGMAS): string[] {
  return Object.entries(pragmas).flatMap(([key, value]) => ['--sqlite-pragma', `${key}=${value}`]);
}

/** `temporal server start-dev` flags setting SERVER_DYNAMIC_CONFIG and `more` over it (values are JSON). */
export function devServerDynamicConfigArgs(more: Readonly<Record<string, unknown>> = {}): string[] {
  return Object.entries({ ...SERVER_DYNAMIC_CONFIG, ...more }).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}
