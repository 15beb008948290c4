/** `meltano-temporal runs [SCHEDULE]`: recent runs from Temporal visibility. */
import { Command } from 'commander';
import { UsageError } from '../project/errors.js';
import { action, checkFormat } from './context.js';
import { addServerOptions, withServer } from './server-context.js';

export function runsCommand(): Command {
  return addServerOptions(new Command('runs'))
    .description(
      'List recent runs (all schedules of the project, or one) with status, start, duration and the failed task.',
    )
    .argument('[schedule]')
    .option('--limit <n>', 'how many runs', '20')
    .option('--format <format>', 'text or json', 'text')
    .action(
      action(async (name: string | undefined, opts: { limit: string; format: string }, cmd: Command) => {
        checkFormat(opts.format, ['text', 'json']);
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new UsageError(`--limit must be a whole number of at least 1, not '${opts.limit}'`);
        const { listRuns } = await import('../temporal/runs.js');
        const rows = await withServer(cmd, ({ schedules }) =>
          listRuns(schedules.client, schedules.scope, { ...(name ? { schedule: name } : {}), limit }),
        );
        if (opts.format === 'json') {
          process.stdout.write(`${JSON.stringify({ runs: rows }, null, 2)}\n`);
          return 0;
        }
        if (!rows.length) process.stderr.write('no runs yet (visibility can lag a few seconds behind)\n');
        for (const r of rows) {
          const duration = r.durationMs === null ? 'running' : `${(r.durationMs / 1000).toFixed(1)}s`;
          process.stdout.write(
            `${r.status.padEnd(10)} ${r.startTime}  ${duration.padStart(8)}  ${r.schedule ?? '-'}  ${r.workflowId}${r.failedTask ? `  failed task: ${r.failedTask}` : ''}\n`,
          );
        }
        return 0;
      }),
    );
}
