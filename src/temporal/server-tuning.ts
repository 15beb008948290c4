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
 */
export const SERVER_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'worker.perNamespaceWorkerOptions': {
    MaxConcurrentWorkflowTaskPollers: 16,
    MaxConcurrentActivityTaskPollers: 4,
  },
};

/** `temporal server start-dev` flags setting SERVER_DYNAMIC_CONFIG (values are JSON). */
export function devServerDynamicConfigArgs(): string[] {
  return Object.entries(SERVER_DYNAMIC_CONFIG).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}
