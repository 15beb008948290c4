/** `meltano-temporal up`: everything on one host (see src/temporal/up.ts); what it does is in up-action.ts. */
import { Command } from 'commander';
import { lazyAction } from './context.js';
import { addServerOptions } from './server-options.js';
import { addWorkerOptions } from './worker-flags.js';

export function upCommand(): Command {
  return addWorkerOptions(addServerOptions(new Command('up')))
    .description(
      'Start the embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), sync the schedules, run a worker, and re-sync on every change to meltano.yml, its include_paths files (in any sub-folder, new ones too) and .env. Ctrl-C stops everything.',
    )
    .option('--port <port>', 'embedded server gRPC port', '7233')
    .option('--ui-port <port>', 'embedded Web UI port', '8233')
    .option(
      '--codec-port <port>',
      'with MELTANO_TEMPORAL_ENCRYPTION_KEY set: port of the codec server the embedded Web UI decodes through',
      '8081',
    )
    .option('--trigger <schedule>', 'trigger one run of this schedule once everything is up, and follow it')
    .action(lazyAction(async () => (await import('./up-action.js')).runUpCommand));
}
