/** `meltano-temporal sync`: make Temporal's schedules match meltano.yml. */
import { Command } from 'commander';
import { lazyAction } from './context.js';
import { addServerOptions } from './server-options.js';

/** The most schedules written at once: beyond this a server's rate limiter only refuses more. */
export const MAX_CONCURRENCY = 256;

export function syncCommand(): Command {
  return addServerOptions(new Command('sync'))
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
    .option('--concurrency <n>', `how many schedules are read and written at once (1 to ${MAX_CONCURRENCY})`, '16')
    .option('--format <format>', 'text or json', 'text')
    .action(lazyAction(async () => (await import('./sync-action.js')).syncSchedules));
}
