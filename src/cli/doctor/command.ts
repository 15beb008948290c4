/** `meltano-temporal doctor`: one line per check, with the fix when it fails (action.ts). */
import { Command } from 'commander';
import { lazyAction } from '../program/action.js';
import { addServerOptions } from '../program/server-options.js';

export function doctorCommand(): Command {
  return addServerOptions(new Command('doctor'))
    .description(
      'Check meltano, the project, the Temporal server, the namespace, search attributes, pollers and the shared system database; one line per check, with the fix.',
    )
    .option('--format <format>', 'text or json', 'text')
    .action(lazyAction(async () => (await import('./action.js')).runDoctor));
}
