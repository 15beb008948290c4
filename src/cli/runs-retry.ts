/** `meltano-temporal runs retry WORKFLOW_ID`: re-run a failed run from its failed task (see src/temporal/retry.ts). */
import type { Command } from 'commander';
import { action } from './context.js';
import { followExitCode, reconnectWindowMs, runPrinter } from './run-output.js';
import { addServerOptions, withServer } from './server-context.js';

export function addRunsRetryCommand(runs: Command): void {
  addServerOptions(runs.command('retry'))
    .description(
      "Start a new run of a failed, cancelled, terminated or timed-out run's job that skips the tasks that completed and starts at the first one that did not, with the same schedule, environment and search attributes; follow it live (the exit code is its outcome).",
    )
    .argument('<workflow-id>')
    .option('--run-id <id>', 'which run of that workflow id (default: the latest)')
    .option('--from-start', 'run every task again, from the first')
    .option('--no-wait', 'return as soon as the new run is started')
    .action(
      action(async (workflowId: string, opts: { runId?: string; fromStart?: boolean; wait: boolean }, cmd: Command) => {
        const reconnectWindow = reconnectWindowMs();
        const { retryRun } = await import('../temporal/retry.js');
        return withServer(cmd, async ({ schedules }) => {
          const started = await retryRun(schedules.client, workflowId, {
            ...(opts.runId ? { runId: opts.runId } : {}),
            fromStart: opts.fromStart ?? false,
          });
          const from = started.origin.fromTask === 0 ? 'the first task' : `task ${started.origin.fromTask + 1}`;
          process.stderr.write(
            `started ${started.workflowId}: retry of ${workflowId} (run ${started.origin.runId}) from ${from}\n`,
          );
          if (!opts.wait) {
            process.stdout.write(`${started.workflowId}\n`);
            return 0;
          }
          const { followRun } = await import('../temporal/follow.js');
          return followExitCode(
            await followRun(schedules.client, started.workflowId, runPrinter(started.workflowId), {
              reconnectWindowMs: reconnectWindow,
            }),
          );
        });
      }),
    );
}
