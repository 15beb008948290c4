/** What `meltano-temporal doctor` does when it runs (its flags are in command.ts). */
import type { Command } from 'commander';
import { loadProject } from '../../project/load.js';
import { localChecks, serverChecks } from '../../temporal/diagnostics.js';
import { checkFormat, projectOptions } from '../program/action.js';
import { settingsOf } from '../program/server-context.js';
import { serverFlags } from '../program/server-options.js';

export async function runDoctor(opts: { format: string }, cmd: Command): Promise<number> {
  checkFormat(opts.format, ['text', 'json']);
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
}
