/** What `meltano-temporal notify test` does when it runs (its flags are in command.ts). */
import type { Command } from 'commander';
import { ScheduleNotInProjectError } from '../../errors.js';
import { findSchedule } from '../../project/model.js';
import { loadProject } from '../../project/load.js';
import { sendTestMessage } from '../../notify/notifier.js';
import { WebhookError } from '../../notify/send.js';
import { projectOptions } from '../program/action.js';

export async function sendNotifyTest(name: string, _opts: unknown, cmd: Command): Promise<number> {
  const project = loadProject(projectOptions(cmd));
  if (!findSchedule(project, name)) throw new ScheduleNotInProjectError(name);
  try {
    const { source } = await sendTestMessage(project.root, name, process.env);
    process.stdout.write(`Sent a test message to the webhook of schedule '${name}' (${source}).\n`);
    return 0;
  } catch (err) {
    if (err instanceof WebhookError) {
      process.stderr.write(`Error: the test message to the webhook of schedule '${name}' failed: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
