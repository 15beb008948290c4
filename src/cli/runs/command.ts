/**
 * `meltano-temporal runs [SCHEDULE | --schedule NAME]` (recent runs from Temporal visibility),
 * `runs retry WORKFLOW_ID` (re-run a failed run from its failed task, see src/temporal/retry.ts) and
 * `runs logs WORKFLOW_ID` (a run's task logs, masked). What they do is in actions.ts.
 */
import { Command } from 'commander';
import { lazyAction } from '../program/action.js';
import { addServerOptions } from '../program/server-options.js';

const actions = () => import('./actions.js');

function addRetryCommand(runs: Command): void {
  addServerOptions(runs.command('retry'))
    .description(
      "Start a new run of a failed, cancelled, terminated or timed-out run's job that skips the tasks that completed and starts at the first one that did not, with the same schedule, environment and search attributes; follow it live (the exit code is its outcome).",
    )
    .argument('<workflow-id>')
    .option('--run-id <id>', 'which run of that workflow id (default: the latest)')
    .option('--from-start', 'run every task again, from the first')
    .option(
      '--from-task <n>',
      'start at task N (1-based) whatever the original finished; the tasks before it are skipped',
    )
    .option(
      '--skip-task <n>',
      'mark task N (1-based) done without running it (repeat or N,M for several); recorded in the new run with your user@host',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--no-wait', 'return as soon as the new run is started')
    .action(lazyAction(async () => (await actions()).retryFailedRun));
}

function logsCommand(): Command {
  return addServerOptions(new Command('logs'))
    .description(
      "Print a run's task logs, with the schedule's env values masked; --follow streams a running run until it ends. Each log is read from this project's log folder (.meltano/logs/temporal/<workflow id>/), else the shared log archive ($MELTANO_TEMPORAL_LOG_ARCHIVE), else over Temporal from the worker on another host that ran the task, while that worker runs.",
    )
    .argument('<workflow-id>', 'the run (see `meltano-temporal runs --format=json`)')
    .option('--task <n>', 'only this task (1-based), all its attempts')
    .option('--follow', 'keep printing while the run goes on')
    .action(lazyAction(async () => (await actions()).printLogsOfRun));
}

export function runsCommand(): Command {
  const runs = addServerOptions(new Command('runs'));
  addRetryCommand(runs);
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
    .addCommand(logsCommand())
    .action(lazyAction(async () => (await actions()).listRecentRuns));
}
