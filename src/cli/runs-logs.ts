/** `meltano-temporal runs logs WORKFLOW_ID [--task N] [--follow]`: a run's task logs, masked. */
import { Command } from 'commander';
import { UsageError } from '../project/errors.js';
import { action } from './context.js';
import { reconnectWindowMs } from './run-output.js';
import { addServerOptions, withServer } from './server-context.js';

export function runsLogsCommand(): Command {
  return addServerOptions(new Command('logs'))
    .description(
      "Print a run's task logs from this host's worker log folder (.meltano/logs/temporal/<workflow id>/), with the schedule's env values masked; --follow streams a running run until it ends. A task that ran on another host is named with that worker and where its log is.",
    )
    .argument('<workflow-id>', 'the run (see `meltano-temporal runs --format=json`)')
    .option('--task <n>', 'only this task (1-based), all its attempts')
    .option('--follow', 'keep printing while the run goes on')
    .action(
      action(async (workflowId: string, opts: { task?: string; follow?: boolean }, cmd: Command) => {
        const task = opts.task === undefined ? undefined : Number(opts.task);
        if (task !== undefined && (!Number.isInteger(task) || task < 1))
          throw new UsageError(`--task must be a task number (1, 2, ...), not '${opts.task}'`);
        const reconnectWindow = reconnectWindowMs();
        const { printRunLogs } = await import('../temporal/run-logs.js');
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
      }),
    );
}
