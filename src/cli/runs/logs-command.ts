/** `meltano-temporal runs logs WORKFLOW_ID [--task N] [--follow]`: a run's task logs, masked. */
import { Command } from 'commander';
import { lazyAction } from '../program/action.js';
import { addServerOptions } from '../program/server-options.js';

export function runsLogsCommand(): Command {
  return addServerOptions(new Command('logs'))
    .description(
      "Print a run's task logs from this host's worker log folder (.meltano/logs/temporal/<workflow id>/), with the schedule's env values masked; --follow streams a running run until it ends. A task that ran on another host is named with that worker and where its log is.",
    )
    .argument('<workflow-id>', 'the run (see `meltano-temporal runs --format=json`)')
    .option('--task <n>', 'only this task (1-based), all its attempts')
    .option('--follow', 'keep printing while the run goes on')
    .action(lazyAction(async () => (await import('./actions.js')).printLogsOfRun));
}
