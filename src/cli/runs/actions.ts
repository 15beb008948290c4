/** What `runs`, `runs retry` and `runs logs` do when they run (their flags are in command.ts). */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { checkFormat } from '../program/action.js';
import { followExitCode, reconnectWindowMs, runPrinter } from './follow-output.js';
import { renderRunStrips } from './strip.js';
import { withServer } from '../program/server-context.js';

/** `runs [SCHEDULE]`: the strip per schedule, or the runs as JSON. */
export async function listRecentRuns(
  positional: string | undefined,
  opts: { schedule?: string; limit?: string; format: string },
  cmd: Command,
): Promise<number> {
  checkFormat(opts.format, ['text', 'json']);
  const limit = Number(opts.limit ?? (opts.format === 'json' ? 20 : 10));
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit must be a whole number of at least 1, not '${opts.limit}'`);
  const { listRuns, listRunsPerSchedule, scheduleToList } = await import('../../temporal/runs.js');
  const name = scheduleToList(positional, opts.schedule);
  if (opts.format === 'json') {
    const rows = await withServer(cmd, ({ schedules }) =>
      listRuns(schedules.client, schedules.scope, { ...(name ? { schedule: name } : {}), limit }),
    );
    process.stdout.write(`${JSON.stringify({ runs: rows }, null, 2)}\n`);
    return 0;
  }
  const rows = await withServer(cmd, ({ project, schedules }) =>
    listRunsPerSchedule(schedules.client, schedules.scope, name ? [name] : project.schedules.map((s) => s.name), limit),
  );
  if (!rows.length) process.stderr.write('no runs yet (visibility can lag a few seconds behind)\n');
  process.stdout.write(renderRunStrips(rows, { color: Boolean(process.stdout.isTTY), perSchedule: limit }));
  return 0;
}

/** `runs retry WORKFLOW_ID`: start the retry, and follow it unless --no-wait. */
export async function retryFailedRun(
  workflowId: string,
  opts: { runId?: string; fromStart?: boolean; fromTask?: string; skipTask?: string[]; wait: boolean },
  cmd: Command,
): Promise<number> {
  const reconnectWindow = reconnectWindowMs();
  const { retryRun } = await import('../../temporal/retry.js');
  return withServer(cmd, async ({ project, schedules }) => {
    const started = await retryRun(schedules.client, workflowId, {
      ...(opts.runId ? { runId: opts.runId } : {}),
      project,
      choice: {
        fromStart: opts.fromStart ?? false,
        ...(opts.fromTask !== undefined ? { fromTask: opts.fromTask } : {}),
        ...(opts.skipTask ? { skipTasks: opts.skipTask } : {}),
      },
    });
    const { origin } = started;
    const from = origin.fromTask === 0 ? 'the first task' : `task ${origin.fromTask + 1}`;
    const skipping = origin.skipTasks ? `, skipping task(s) ${origin.skipTasks.map((i) => i + 1).join(', ')}` : '';
    process.stderr.write(
      `started ${started.workflowId}: retry of ${workflowId} (run ${origin.runId}) from ${from}${skipping}${origin.by ? ` (by ${origin.by})` : ''}\n`,
    );
    if (!opts.wait) {
      process.stdout.write(`${started.workflowId}\n`);
      return 0;
    }
    const { followRun } = await import('../../temporal/follow.js');
    return followExitCode(
      await followRun(schedules.client, started.workflowId, runPrinter(started.workflowId), {
        reconnectWindowMs: reconnectWindow,
      }),
    );
  });
}

/** `runs logs WORKFLOW_ID [--task N] [--follow]`. */
export async function printLogsOfRun(
  workflowId: string,
  opts: { task?: string; follow?: boolean },
  cmd: Command,
): Promise<number> {
  const task = opts.task === undefined ? undefined : Number(opts.task);
  if (task !== undefined && (!Number.isInteger(task) || task < 1))
    throw new UsageError(`--task must be a task number (1, 2, ...), not '${opts.task}'`);
  const reconnectWindow = reconnectWindowMs();
  const { printRunLogs } = await import('../../temporal/run-logs.js');
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  try {
    await withServer(cmd, ({ project, schedules }) =>
      printRunLogs(schedules.client, project, workflowId, {
        ...(task !== undefined ? { task } : {}),
        follow: Boolean(opts.follow),
        write: (text) => process.stdout.write(text),
        note: (text) => process.stderr.write(`${text}\n`),
        signal: abort.signal,
        reconnectWindowMs: reconnectWindow,
      }),
    );
  } finally {
    process.off('SIGINT', stop);
  }
  return 0;
}
