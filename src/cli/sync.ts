/** `meltano-temporal sync`: make Temporal's schedules match meltano.yml. */
import { Command } from 'commander';
import { action, checkFormat } from './context.js';
import { addServerOptions, serverContext } from './server-context.js';

export function syncCommand(): Command {
  return addServerOptions(new Command('sync'))
    .description(
      'Create, update (and with --prune delete) Temporal Schedules so they match meltano.yml. Prints the plan; a second run reports no change.',
    )
    .option('--dry-run', 'show the plan, change nothing')
    .option(
      '--prune',
      'delete schedules this tool created for this project and environment that are no longer in meltano.yml',
    )
    .option('--format <format>', 'text or json', 'text')
    .action(
      action(async (opts: { dryRun?: boolean; prune?: boolean; format: string }, cmd: Command) => {
        checkFormat(opts.format, ['text', 'json']);
        const server = await serverContext(cmd);
        try {
          const { ensureSearchAttributes, formatSyncItem, syncSchedules } = await import('../temporal/sync.js');
          if (!opts.dryRun) {
            const added = await ensureSearchAttributes(server.client);
            if (added.length && opts.format === 'text')
              process.stderr.write(`registered search attributes: ${added.join(', ')}\n`);
          }
          const text = opts.format === 'text';
          const report = await syncSchedules(server.client, server.project, server.ctx, {
            dryRun: Boolean(opts.dryRun),
            prune: Boolean(opts.prune),
            onItem: (_item, done, total) => {
              if (text && process.stderr.isTTY) process.stderr.write(`\rsyncing ${done}/${total}`);
            },
          });
          if (text && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
          if (opts.format === 'json') {
            process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          } else {
            const counts = new Map<string, number>();
            for (const item of report.items) {
              counts.set(item.action, (counts.get(item.action) ?? 0) + 1);
              const line = formatSyncItem(item);
              (item.action === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
            }
            const summary = ['create', 'update', 'delete', 'unchanged', 'error']
              .map((a) => `${counts.get(a) ?? 0} ${a}`)
              .join(', ');
            process.stdout.write(
              `${report.dryRun ? 'dry run (nothing changed): ' : ''}${summary} — project ${report.project}, environment ${report.environment ?? 'default'}, namespace ${report.namespace}\n`,
            );
          }
          return report.ok ? 0 : 1;
        } finally {
          await server.close();
        }
      }),
    );
}
