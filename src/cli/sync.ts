/** `meltano-temporal sync`: make Temporal's schedules match meltano.yml. */
import { Command } from 'commander';
import type { SyncReport } from '../temporal/sync.js';
import { action, checkFormat } from './context.js';
import { addServerOptions, previewProjectId, withProjectId, withServer } from './server-context.js';

async function printReport(report: SyncReport): Promise<void> {
  const { formatSyncItem } = await import('../temporal/sync.js');
  const counts = new Map<string, number>();
  for (const item of report.items) {
    counts.set(item.action, (counts.get(item.action) ?? 0) + 1);
    (item.action === 'error' ? process.stderr : process.stdout).write(`${formatSyncItem(item)}\n`);
  }
  const summary = ['create', 'update', 'delete', 'unchanged', 'error']
    .map((a) => `${counts.get(a) ?? 0} ${a}`)
    .join(', ');
  process.stdout.write(
    `${report.dryRun ? 'dry run (nothing changed): ' : ''}${summary} — project ${report.project}, environment ${report.environment ?? 'default'}, namespace ${report.namespace}\n`,
  );
}

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
    .option(
      '--verify',
      'describe every schedule to find changes made by hand in the UI (default: only those whose sync hash differs)',
    )
    .option('--format <format>', 'text or json', 'text')
    .action(
      action(async (opts: { dryRun?: boolean; prune?: boolean; verify?: boolean; format: string }, cmd: Command) => {
        checkFormat(opts.format, ['text', 'json']);
        const text = opts.format === 'text';
        const progress = text && process.stderr.isTTY;
        // A dry run changes nothing, meltano.yml included.
        const project = opts.dryRun ? await previewProjectId(cmd) : await withProjectId(cmd);
        const report = await withServer(
          cmd,
          async ({ schedules }) => {
            if (!opts.dryRun) {
              const added = await schedules.registerSearchAttributes();
              if (added.length && text) process.stderr.write(`registered search attributes: ${added.join(', ')}\n`);
            }
            const plan = await schedules.planSync({ prune: Boolean(opts.prune), verify: Boolean(opts.verify) });
            if (opts.dryRun) return schedules.dryRunReport(plan);
            return schedules.applySync(plan, {
              onItem: (_item, done, total) => {
                if (progress) process.stderr.write(`\rsyncing ${done}/${total}`);
              },
            });
          },
          project,
        );
        if (progress) process.stderr.write('\r\x1b[K');
        if (text) await printReport(report);
        else process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return report.ok ? 0 : 1;
      }),
    );
}
