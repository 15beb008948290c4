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
 */
export const SERVER_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'worker.perNamespaceWorkerOptions': {
    MaxConcurrentWorkflowTaskPollers: 16,
    MaxConcurrentActivityTaskPollers: 4,
    StickyScheduleToStartTimeout: '60s',
  },
};

/** `temporal server start-dev` flags setting SERVER_DYNAMIC_CONFIG and `more` over it (values are JSON). */
export function devServerDynamicConfigArgs(more: Readonly<Record<string, unknown>> = {}): string[] {
  return Object.entries({ ...SERVER_DYNAMIC_CONFIG, ...more }).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}
