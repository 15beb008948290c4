/**
 * The schedule commands that act on Temporal: run (trigger and follow, or
 * --local), pause, unpause, backfill, describe.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../project/errors.js';
import { findSchedule, loadProject } from '../project/load.js';
import { checkRunOptionsFor, normaliseRunOptions } from '../meltano/run-options.js';
import type { BackfillOverlap } from '../temporal/schedules.js';
import { action, checkFormat, projectOptions } from './context.js';
import { followExitCode, reconnectWindowMs, runPrinter } from './run-output.js';
import { describeText } from './schedule-describe-output.js';
import { addServerOptions, withServer } from './server-context.js';

interface ScheduleRunFlags {
  wait: boolean;
  local?: boolean;
  fullRefresh?: boolean;
  refreshCatalog?: boolean;
  /** commander's name for --no-state-update */
  stateUpdate?: boolean;
  stateIdSuffix?: string;
}

function parseTime(value: string, flag: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new UsageError(
      `${flag} '${value}' is not a date and time.`,
      `use ISO 8601, e.g. ${flag} 2026-11-01T00:00:00Z`,
    );
  return d;
}

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
    .action(
      action(async (name: string, opts: ScheduleRunFlags, cmd: Command) => {
        const runOptions = normaliseRunOptions({
          fullRefresh: opts.fullRefresh ?? false,
          refreshCatalog: opts.refreshCatalog ?? false,
          noStateUpdate: opts.stateUpdate === false,
          ...(opts.stateIdSuffix !== undefined ? { stateIdSuffix: opts.stateIdSuffix } : {}),
        });
        const reconnectWindow = reconnectWindowMs();
        checkRunOptionsFor(findSchedule(loadProject(projectOptions(cmd)), name), runOptions);
        if (opts.local) {
          const { runLocally } = await import('./run-local.js');
          return runLocally(
            projectOptions(cmd),
            name,
            cmd.optsWithGlobals<{ environment?: string }>().environment,
            runOptions,
          );
        }
        return withServer(cmd, async ({ schedules }) => {
          const { started, running, overlap, scheduleId } = runOptions
            ? await schedules.runWithOptions(name, runOptions)
            : await schedules.trigger(name);
          if (!started) {
            const why = running.length
              ? `a run is already in progress (${running.join(', ')}) and the overlap policy is ${overlap}`
              : 'the server started no run';
            process.stderr.write(`Schedule ${scheduleId} was triggered but no run started: ${why}.\n`);
            return 3;
          }
          process.stderr.write(`started ${started} (schedule ${scheduleId})\n`);
          if (!opts.wait) {
            process.stdout.write(`${started}\n`);
            return 0;
          }
          const { followRun } = await import('../temporal/follow.js');
          return followExitCode(
            await followRun(schedules.client, started, runPrinter(started), { reconnectWindowMs: reconnectWindow }),
          );
        });
      }),
    );

  for (const [verb, past] of [
    ['pause', 'Paused'],
    ['unpause', 'Unpaused'],
  ] as const) {
    addServerOptions(schedule.command(verb))
      .description(
        verb === 'pause'
          ? 'Pause automatic runs of a schedule (manual triggers still work).'
          : 'Resume automatic runs of a schedule.',
      )
      .argument('<name>')
      .option('--note <text>', 'why', `${verb}d with meltano-temporal`)
      .action(
        action((name: string, opts: { note: string }, cmd: Command) =>
          withServer(cmd, async ({ schedules }) => {
            const id = await schedules[verb](name, opts.note);
            process.stdout.write(`${past} schedule '${name}' (${id})\n`);
          }),
        ),
      );
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
    .action(
      action((name: string, opts: { start: string; end: string; overlap: string }, cmd: Command) => {
        const start = parseTime(opts.start, '--start');
        const end = parseTime(opts.end, '--end');
        if (end <= start) throw new UsageError('--end must be after --start.');
        return withServer(cmd, async ({ schedules }) => {
          const id = await schedules.backfill(name, {
            start,
            end,
            overlap: opts.overlap.toUpperCase() as BackfillOverlap,
          });
          process.stdout.write(
            `Backfill of '${name}' (${id}) requested from ${start.toISOString()} to ${end.toISOString()}; follow it with: meltano-temporal runs ${name}\n`,
          );
        });
      }),
    );

  addServerOptions(schedule.command('describe'))
    .description('Show a schedule: its spec, next run times, recent runs, paused state and drift from meltano.yml.')
    .argument('<name>')
    .option('--format <format>', 'text or json', 'text')
    .action(
      action((name: string, opts: { format: string }, cmd: Command) => {
        checkFormat(opts.format, ['text', 'json']);
        return withServer(cmd, async ({ schedules }) => {
          const view = await schedules.describe(name);
          process.stdout.write(`${opts.format === 'json' ? JSON.stringify(view, null, 2) : describeText(view)}\n`);
        });
      }),
    );
}
