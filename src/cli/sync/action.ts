/** What `meltano-temporal sync` does when it runs (its flags are in command.ts). */
import type { Command } from 'commander';
import { checkFormat } from '../program/action.js';
import { previewProjectId, withProjectId, withServer } from '../program/server-context.js';
import { parseSyncConcurrency } from './flags.js';

export interface SyncFlags {
  dryRun?: boolean;
  prune?: boolean;
  verify?: boolean;
  concurrency: string;
  format: string;
}

export async function syncSchedules(opts: SyncFlags, cmd: Command): Promise<number> {
  checkFormat(opts.format, ['text', 'json']);
  const concurrency = parseSyncConcurrency(opts.concurrency);
  const text = opts.format === 'text';
  const [{ formatSyncItem }, { SyncOutput }] = await Promise.all([
    import('../../temporal/sync/report.js'),
    import('./output.js'),
  ]);
  const output = text ? new SyncOutput(formatSyncItem, Boolean(process.stderr.isTTY)) : undefined;
  // A dry run changes nothing, meltano.yml included.
  const project = opts.dryRun ? await previewProjectId(cmd) : await withProjectId(cmd);
  const { report, rateLimited } = await withServer(
    cmd,
    async ({ schedules, rateLimits }) => {
      // Independent requests, sent together: the listing the plan reads takes the server the longest.
      const [added, plan] = await Promise.all([
        opts.dryRun ? Promise.resolve([]) : schedules.registerSearchAttributes(),
        schedules.planSync({
          prune: Boolean(opts.prune),
          verify: Boolean(opts.verify),
          concurrency,
        }),
      ]);
      if (added.length && text) process.stderr.write(`registered search attributes: ${added.join(', ')}\n`);
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
}
