/** `meltano-temporal sync`: make Temporal's schedules match meltano.yml. */
import { Command } from 'commander';
import { action, checkFormat } from './context.js';
import { addServerOptions, previewProjectId, withProjectId, withServer } from './server-context.js';
import { addSyncConcurrencyOption, parseSyncConcurrency } from './sync-flags.js';

export function syncCommand(): Command {
  return addSyncConcurrencyOption(addServerOptions(new Command('sync')))
    .description(
      'Create, update (and with --prune delete) Temporal Schedules so they match meltano.yml. Prints one line per change and a summary; a second run reports no change.',
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
      action(
        async (
          opts: { dryRun?: boolean; prune?: boolean; verify?: boolean; concurrency: string; format: string },
          cmd: Command,
        ) => {
          checkFormat(opts.format, ['text', 'json']);
          const concurrency = parseSyncConcurrency(opts.concurrency);
          const text = opts.format === 'text';
          const [{ formatSyncItem }, { SyncOutput }] = await Promise.all([
            import('../temporal/sync.js'),
            import('./sync-output.js'),
          ]);
          const output = text ? new SyncOutput(formatSyncItem, Boolean(process.stderr.isTTY)) : undefined;
          // A dry run changes nothing, meltano.yml included.
          const project = opts.dryRun ? await previewProjectId(cmd) : await withProjectId(cmd);
          const { report, rateLimited } = await withServer(
            cmd,
            async ({ schedules, rateLimits }) => {
              if (!opts.dryRun) {
                const added = await schedules.registerSearchAttributes();
                if (added.length && text) process.stderr.write(`registered search attributes: ${added.join(', ')}\n`);
              }
              const plan = await schedules.planSync({
                prune: Boolean(opts.prune),
                verify: Boolean(opts.verify),
                concurrency,
              });
              if (opts.dryRun) {
                plan.items.forEach((item, i) => output?.item(item, i + 1, plan.items.length));
                return { report: schedules.dryRunReport(plan), rateLimited: rateLimits.count };
              }
              const applied = await schedules.applySync(plan, {
                concurrency,
                onItem: (item, done, total) => output?.item(item, done, total),
              });
              return { report: applied, rateLimited: rateLimits.count };
            },
            project,
          );
          if (output) output.finish(report, { concurrency, rateLimited });
          else process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return report.ok ? 0 : 1;
        },
      ),
    );
}
