/** `meltano-temporal notify test SCHEDULE`: post a test message to the schedule's webhook. */
import { Command } from 'commander';
import { ScheduleNotFoundError } from '../project/errors.js';
import { findSchedule, loadProject } from '../project/load.js';
import { action, projectOptions } from './context.js';

export function notifyCommand(): Command {
  const notify = new Command('notify').description(
    "Notifications of schedule runs (annotations.temporal.notify, or the worker's MELTANO_TEMPORAL_NOTIFY_WEBHOOK).",
  );
  notify
    .command('test')
    .description(
      "Post a test message to the schedule's webhook, resolved from this host's environment (as a worker would); the URL is never printed.",
    )
    .argument('<schedule>')
    .action(
      action(async (name: string, _opts: unknown, cmd: Command) => {
        const project = loadProject(projectOptions(cmd));
        if (!findSchedule(project, name)) throw new ScheduleNotFoundError(name);
        const { sendTestMessage } = await import('../notify/notifier.js');
        const { WebhookError } = await import('../notify/send.js');
        try {
          const { source } = await sendTestMessage(project.root, name, process.env);
          process.stdout.write(`Sent a test message to the webhook of schedule '${name}' (${source}).\n`);
          return 0;
        } catch (err) {
          if (err instanceof WebhookError) {
            process.stderr.write(
              `Error: the test message to the webhook of schedule '${name}' failed: ${err.message}\n`,
            );
            return 1;
          }
          throw err;
        }
      }),
    );
  return notify;
}
