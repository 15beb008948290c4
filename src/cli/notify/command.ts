/** `meltano-temporal notify test SCHEDULE`: a test message to each of the schedule's destinations. */
import { Command } from 'commander';
import { lazyAction } from '../program/action.js';

export function notifyCommand(): Command {
  const notify = new Command('notify').description(
    "Notifications of schedule runs (annotations.temporal.notify of the schedule or the project, or the worker's MELTANO_TEMPORAL_NOTIFY_WEBHOOK).",
  );
  notify
    .command('test')
    .description(
      "Send a test message to each of the schedule's destinations (webhook, PagerDuty: an alert resolved at once, email), resolved from this host's environment as a worker would; no URL or key is printed. Exit code 1 when one failed.",
    )
    .argument('<schedule>')
    .option('--format <format>', 'text or json', 'text')
    .action(lazyAction(async () => (await import('./action.js')).sendNotifyTest));
  return notify;
}
