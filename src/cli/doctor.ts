/** `meltano-temporal doctor`: one line per check, with the fix when it fails. */
import { Command } from 'commander';
import { loadProject } from '../project/load.js';
import { action, checkFormat, projectOptions } from './context.js';
import { addServerOptions, serverFlags, settingsOf } from './server-context.js';

export function doctorCommand(): Command {
  return addServerOptions(new Command('doctor'))
    .description(
      'Check meltano, the project, the Temporal server, the namespace, search attributes, pollers and the shared system database; one line per check, with the fix.',
    )
    .option('--format <format>', 'text or json', 'text')
    .action(
      action(async (opts: { format: string }, cmd: Command) => {
        checkFormat(opts.format, ['text', 'json']);
        const { localChecks, serverChecks } = await import('../temporal/diagnostics.js');
        const local = await localChecks(() => loadProject(projectOptions(cmd)));
        const checks = [
          ...local.checks,
          ...(local.project ? await serverChecks(local.project, () => settingsOf(cmd), serverFlags(cmd)) : []),
        ];
        const ok = checks.every((c) => c.ok);
        if (opts.format === 'json') {
          process.stdout.write(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
        } else {
          for (const c of checks) {
            process.stdout.write(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}\n`);
            if (!c.ok && c.fix) process.stdout.write(`    fix: ${c.fix}\n`);
          }
        }
        return ok ? 0 : 1;
      }),
    );
}
