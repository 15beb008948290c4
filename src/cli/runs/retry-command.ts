/** `meltano-temporal runs retry WORKFLOW_ID`: re-run a failed run from its failed task (see src/temporal/retry.ts). */
import type { Command } from 'commander';
import { lazyAction } from '../program/action.js';
import { addServerOptions } from '../program/server-options.js';

export function addRunsRetryCommand(runs: Command): void {
  addServerOptions(runs.command('retry'))
    .description(
      "Start a new run of a failed, cancelled, terminated or timed-out run's job that skips the tasks that completed and starts at the first one that did not, with the same schedule, environment and search attributes; follow it live (the exit code is its outcome).",
    )
    .argument('<workflow-id>')
    .option('--run-id <id>', 'which run of that workflow id (default: the latest)')
    .option('--from-start', 'run every task again, from the first')
    .option('--no-wait', 'return as soon as the new run is started')
    .action(lazyAction(async () => (await import('./actions.js')).retryFailedRun));
}
