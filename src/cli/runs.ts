/** `meltano-temporal runs [SCHEDULE | --schedule NAME]`: recent runs from Temporal visibility. */
import { Command } from 'commander';
import { UsageError } from '../project/errors.js';
import { action, checkFormat } from './context.js';
import { addServerOptions, withServer } from './server-context.js';
import { addRunsRetryCommand } from './runs-retry.js';
import { renderRunStrips } from './run-strip.js';
import { runsLogsCommand } from './runs-logs.js';

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
    .action(
      action(
        async (
          positional: string | undefined,
          opts: { schedule?: string; limit?: string; format: string },
          cmd: Command,
        ) => {
          checkFormat(opts.format, ['text', 'json']);
          const limit = Number(opts.limit ?? (opts.format === 'json' ? 20 : 10));
          if (!Number.isInteger(limit) || limit < 1)
            throw new UsageError(`--limit must be a whole number of at least 1, not '${opts.limit}'`);
          const { listRuns, listRunsPerSchedule, scheduleToList } = await import('../temporal/runs.js');
          const name = scheduleToList(positional, opts.schedule);
          if (opts.format === 'json') {
            const rows = await withServer(cmd, ({ schedules }) =>
              listRuns(schedules.client, schedules.scope, { ...(name ? { schedule: name } : {}), limit }),
            );
            process.stdout.write(`${JSON.stringify({ runs: rows }, null, 2)}\n`);
            return 0;
          }
          const rows = await withServer(cmd, ({ project, schedules }) =>
            listRunsPerSchedule(
              schedules.client,
              schedules.scope,
              name ? [name] : project.schedules.map((s) => s.name),
              limit,
            ),
          );
          if (!rows.length) process.stderr.write('no runs yet (visibility can lag a few seconds behind)\n');
          process.stdout.write(renderRunStrips(rows, { color: Boolean(process.stdout.isTTY), perSchedule: limit }));
          return 0;
        },
      ),
    );
}
