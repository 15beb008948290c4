/** `meltano-temporal runs [SCHEDULE | --schedule NAME]`: recent runs from Temporal visibility. */
import { Command } from 'commander';
import { lazyAction } from '../program/action.js';
import { addServerOptions } from '../program/server-options.js';
import { addRunsRetryCommand } from './retry-command.js';
import { runsLogsCommand } from './logs-command.js';

export function runsCommand(): Command {
  const runs = addServerOptions(new Command('runs'));
  addRunsRetryCommand(runs);
  return runs
    .description(
      'Recent runs per schedule (all schedules of the project, or one): a strip of the last runs, oldest first, with status, duration and rows; --format=json lists runs with status, start, duration, rows and the failed task.',
    )
    .argument('[schedule]', 'only this schedule (a schedule named logs or retry: use --schedule)')
    .option(
      '--schedule <name>',
      'only this schedule; the way to name a schedule called like a subcommand of runs (logs, retry), which the positional SCHEDULE would run instead',
    )
    .option(
      '--limit <n>',
      'how many runs: per schedule in the strip (default 10), in all with --format=json (default 20)',
    )
    .option('--format <format>', 'text or json', 'text')
    .addCommand(runsLogsCommand())
    .action(lazyAction(async () => (await import('./actions.js')).listRecentRuns));
}
