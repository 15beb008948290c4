/**
 * `meltano-temporal up`: everything on one host (see src/temporal/up.ts).
 * This file holds the flags; action.ts parses them, calls runUp and prints
 * its events through output.ts (`[up]` lines, or JSON lines with
 * --log-format json).
 */
import { Command } from 'commander';
import { lazyAction } from '../program/action.js';
import { addServerOptions } from '../program/server-options.js';
import { addLogOptions, addWorkerOptions } from '../worker/flags.js';
import { addSyncConcurrencyOption } from '../sync/flags.js';

export function upCommand(): Command {
  return addSyncConcurrencyOption(
    addLogOptions(addWorkerOptions(addServerOptions(new Command('up')))),
    ' by each sync (at start and on every change)',
  )
    .description(
      'Start the embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), sync the schedules, run a worker, and re-sync on every change to meltano.yml, its include_paths files (in any sub-folder, new ones too) and .env. Ctrl-C stops everything. The worker flags are those of `worker`; --log-format json makes every line up writes a JSON object.',
    )
    .option('--port <port>', 'embedded server gRPC port', '7233')
    .option('--ui-port <port>', 'embedded Web UI port', '8233')
    .option(
      '--codec-port <port>',
      'with MELTANO_TEMPORAL_ENCRYPTION_KEY set: port of the codec server the embedded Web UI decodes through',
      '8081',
    )
    .option('--trigger <schedule>', 'trigger one run of this schedule once everything is up, and follow it')
    .action(lazyAction(async () => (await import('./action.js')).runUpCommand));
}
