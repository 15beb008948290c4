/** `meltano-temporal doctor`: one line per check, with the fix when it fails (doctor-action.ts). */
import { Command } from 'commander';
import { lazyAction } from './context.js';
import { addServerOptions } from './server-options.js';

export function doctorCommand(): Command {
  return addServerOptions(new Command('doctor'))
    .description(
      'Check meltano, the project, the Temporal server, the namespace, search attributes, pollers and the shared system database; one line per check, with the fix.',
    )
    .option('--format <format>', 'text or json', 'text')
    .action(lazyAction(async () => (await import('./doctor-action.js')).runDoctor));
}
