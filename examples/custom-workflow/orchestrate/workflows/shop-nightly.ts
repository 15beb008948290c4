import { meltanoRun, scheduledTime } from 'meltano-temporal/workflow';

/**
 * Customers and orders at once, then the dbt models, then the check that raw.orders is not
 * empty (a dbt test that returns a row when it is): its failure fails the run, and `runs`
 * names the task.
 */
export async function shopNightly(): Promise<{ day: string; rows: number }> {
  const loads = await Promise.all([
    meltanoRun('tap-mysql--customers target-postgres'),
    meltanoRun('tap-mysql--orders target-postgres'),
  ]);
  await meltanoRun('dbt-postgres:run');
  // A failed check is a finding, not a glitch: no retries.
  await meltanoRun('dbt-postgres:check-orders', { retry: { maximumAttempts: 1 } });
  const rows = loads.reduce((sum, r) => sum + Object.values(r.rowsPerStream).reduce((a, b) => a + b, 0), 0);
  return { day: scheduledTime().toISOString().slice(0, 10), rows };
}
