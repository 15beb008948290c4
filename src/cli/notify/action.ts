/** What `meltano-temporal notify test` does when it runs (its flags are in command.ts). */
import type { Command } from 'commander';
import { ScheduleNotInProjectError } from '../../errors.js';
import { findSchedule } from '../../project/model.js';
import { loadProject } from '../../project/load.js';
import { sendTestMessages } from '../../notify/notifier.js';
import { projectOptions } from '../program/action.js';

export async function sendNotifyTest(name: string, opts: { format?: string }, cmd: Command): Promise<number> {
  const project = loadProject(projectOptions(cmd));
  if (!findSchedule(project, name)) throw new ScheduleNotInProjectError(name);
  const { source, results } = await sendTestMessages(project.root, name, process.env);
  const failed = results.filter((r) => r.error);
  if (opts.format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ schedule: name, source, ok: failed.length === 0, destinations: results }, null, 2)}\n`,
    );
    return failed.length ? 1 : 0;
  }
  for (const r of results) {
    if (r.error)
      process.stderr.write(`Error: the test message to ${r.destination} of schedule '${name}' failed: ${r.error}\n`);
    else process.stdout.write(`Sent a test message to ${r.destination} of schedule '${name}' (${source}).\n`);
  }
  return failed.length ? 1 : 0;
}
