/** `meltano-temporal sync`: make Temporal's schedules match meltano.yml. */
import { Command } from 'commander';
import { lazyAction } from '../program/action.js';
import { addServerOptions } from '../program/server-options.js';
import { addSyncConcurrencyOption } from './flags.js';

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
    .action(lazyAction(async () => (await import('./action.js')).syncSchedules));
}
