/**
 * The schedule commands that act on Temporal: run (trigger and follow, or
 * --local), pause, unpause, backfill, describe; and the hooks that make
 * `schedule add|set|remove` reach Temporal. What they do is loaded when they
 * run (temporal-actions.ts, edit-hooks.ts).
 */
import { Option, type Command } from 'commander';
import { lazyAction } from '../program/action.js';
import type { TemporalEditHooks } from './command.js';
import { addServerOptions } from '../program/server-options.js';

const actions = () => import('./temporal-actions.js');

export function addTemporalScheduleCommands(schedule: Command): void {
  addServerOptions(schedule.command('run'))
    .description(
      "Trigger a run through Temporal (respecting the overlap policy) and follow it live; the exit code is the run's outcome. --local runs the tasks here without a server, like `meltano schedule run`. The meltano run options are passed to every task; a run with options is started directly with the schedule's action (a trigger cannot carry them).",
    )
    .argument('<name>')
    .option('--no-wait', 'return as soon as the run is started')
    .option('--local', 'run the tasks in this process with the same task code, no Temporal server')
    .option('--full-refresh', 'meltano run --full-refresh: ignore the state left by previous runs')
    .option('--refresh-catalog', 'meltano run --refresh-catalog: run discovery again instead of the cached catalog')
    .option('--no-state-update', 'meltano run --no-state-update: save no state')
    .option('--state-id-suffix <suffix>', 'meltano run --state-id-suffix: state under <env>:<tap>-to-<target>:<suffix>')
    .action(lazyAction(async () => (await actions()).runSchedule));

  for (const verb of ['pause', 'unpause'] as const) {
    addServerOptions(schedule.command(verb))
      .description(
        (verb === 'pause' ? 'Pause automatic runs (manual triggers still work)' : 'Resume automatic runs') +
          ' of one schedule, or of many: --all (every schedule of the environment), --job J (those that run job J), --environment E alone (every schedule of E). Many: one progress line each on stderr, a summary on stdout; a schedule already ' +
          (verb === 'pause' ? 'paused keeps its note' : 'running is left as it is') +
          '; exit code 1 when one failed.',
      )
      .argument('[name]')
      .option('--all', 'every schedule of the project in the environment')
      .option('--job <job>', 'every schedule that runs this job')
      .option(
        '--note <text>',
        "why (Temporal's schedule note, shown by schedule describe and the Web UI)",
        `${verb}d with meltano-temporal`,
      )
      .option('--format <format>', 'text or json (with --all, --job or --environment)', 'text')
      .action(lazyAction(async () => (await import('./pause-action.js')).pauseOrUnpause(verb)));
  }

  addServerOptions(schedule.command('backfill'))
    .description(
      'Run the schedule for every time its spec matches between --start and --end (one after the other by default).',
    )
    .argument('<name>')
    .requiredOption('--start <time>', 'ISO 8601 start, e.g. 2026-11-01T00:00:00Z')
    .requiredOption('--end <time>', 'ISO 8601 end')
    .addOption(
      new Option('--overlap <policy>', 'overlap policy for the backfilled runs')
        .choices(['buffer_all', 'allow_all', 'skip', 'buffer_one', 'cancel_other', 'terminate_other'])
        .default('buffer_all'),
    )
    .action(lazyAction(async () => (await actions()).backfillSchedule));

  addServerOptions(schedule.command('describe'))
    .description('Show a schedule: its spec, next run times, recent runs, paused state and drift from meltano.yml.')
    .argument('<name>')
    .option('--format <format>', 'text or json', 'text')
    .action(lazyAction(async () => (await actions()).describeSchedule));
}

/** `schedule add|set|remove` with TEMPORAL_ADDRESS set: the check before the edit and the sync after it. */
export const temporalEditHooks: TemporalEditHooks = {
  before: async (cmd, edited, name) => (await import('./edit-hooks.js')).checkTemporalBeforeEdit(cmd, edited, name),
  after: async (project, name, cmd) => (await import('./edit-hooks.js')).syncAfterEdit(project, name, cmd),
};
