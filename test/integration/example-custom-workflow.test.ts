/**
 * examples/custom-workflow: its schedule starts the custom workflow `shopNightly`, which runs
 * the two extract-loads at once, then dbt, then the check, and fails the run when the check
 * fails (raw.orders empty). Real dev server, real worker process and the real `meltano` to read
 * the example; the tasks themselves are a stand-in `meltano` that stamps them (the example's
 * plugins against real databases are test/e2e's business), and fails the check while a marker
 * file says the orders table is empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyProject, writeScript } from '../helpers/project.js';
import { meltano, ours, REPO_ROOT } from '../helpers/run.js';
import { sharedServer } from '../helpers/temporal.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';

const server = sharedServer();
let worker: WorkerProcess | undefined;
let dir: string;
const queue = `example-custom-${process.pid}`;
const env = (): Record<string, string> => ({ ...server.env, MELTANO_TEMPORAL_TASK_QUEUE: queue });

beforeAll(async () => {
  dir = copyProject(path.join(REPO_ROOT, 'examples', 'custom-workflow'), 'mt-example-custom-', { withoutState: true });
  const stub = writeScript(
    dir,
    `#!/bin/sh
task=""
for a in "$@"; do case "$a" in tap-*|target-*|dbt-*) task="$task\${task:+ }$a" ;; esac; done
echo "start $task $(date +%s%3N)" >> '${dir}/stamps.txt'
case "$task" in tap-*) sleep 1.5 ;; esac
if [ "$task" = "dbt-postgres:check-orders" ] && [ -e '${dir}/orders-empty' ]; then
  echo "Failure in test assert_orders_not_empty: Got 1 result, configured to fail if != 0"
  echo "end-failed $task $(date +%s%3N)" >> '${dir}/stamps.txt'
  exit 1
fi
echo "end $task $(date +%s%3N)" >> '${dir}/stamps.txt'
`,
  );
  worker = startWorker(dir, server.env, queue, { MELTANO_BIN: stub });
  await worker.ready;
}, 180_000);

afterAll(async () => {
  await worker?.stop('SIGKILL');
});

const stamps = (): Array<{ kind: string; task: string; at: number }> =>
  readFileSync(path.join(dir, 'stamps.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const parts = l.split(' ');
      return { kind: parts[0] ?? '', task: parts.slice(1, -1).join(' '), at: Number(parts.at(-1)) };
    });

describe('examples/custom-workflow', () => {
  it('is a valid Meltano project whose job keeps the same tasks for Meltano', async () => {
    const listed = await meltano(dir, ['schedule', 'list', '--format=json']);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).schedules.job[0]).toMatchObject({ name: 'shop-nightly', job: { name: 'shop' } });
    const ws = await ours(dir, ['workflows', 'list', '--format=json']);
    expect(JSON.parse(ws.stdout).workflows).toEqual([
      expect.objectContaining({ name: 'shopNightly', schedules: ['shop-nightly'] }),
    ]);
  }, 60_000);

  it('runs both extract-loads at once, then dbt, then the check; an empty orders table fails the run at the check', async () => {
    const synced = await ours(dir, ['sync'], env());
    expect(synced.exitCode, synced.stdout + synced.stderr).toBe(0);
    writeFileSync(path.join(dir, 'stamps.txt'), '');
    const ok = await ours(dir, ['schedule', 'run', 'shop-nightly'], env());
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    const s = stamps();
    const at = (kind: string, task: string): number => s.find((x) => x.kind === kind && x.task === task)?.at ?? NaN;
    const customers = 'tap-mysql--customers target-postgres';
    const orders = 'tap-mysql--orders target-postgres';
    expect(Math.max(at('start', customers), at('start', orders))).toBeLessThan(
      Math.min(at('end', customers), at('end', orders)),
    );
    expect(at('start', 'dbt-postgres:run')).toBeGreaterThanOrEqual(Math.max(at('end', customers), at('end', orders)));
    expect(at('start', 'dbt-postgres:check-orders')).toBeGreaterThanOrEqual(at('end', 'dbt-postgres:run'));

    writeFileSync(path.join(dir, 'orders-empty'), '');
    const failed = await ours(dir, ['schedule', 'run', 'shop-nightly'], env());
    expect(failed.exitCode).toBe(1);
    // The check ran once (no retries for a finding), and the run names it.
    expect(stamps().filter((x) => x.kind === 'end-failed')).toHaveLength(1);
    const runs = await ours(dir, ['runs', '--format=json'], env());
    const rows = JSON.parse(runs.stdout).runs as Array<{ status: string; failedTask: string | null }>;
    expect(rows[0]).toMatchObject({ status: 'FAILED', failedTask: 'dbt-postgres:check-orders' });
    expect(rows[1]).toMatchObject({ status: 'COMPLETED' });
  }, 240_000);
});
