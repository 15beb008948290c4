/** `meltano-temporal notify test SCHEDULE`: post a test message to the schedule's webhook. */
import { Command } from 'commander';
import { lazyAction } from '../program/action.js';

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
    .action(lazyAction(async () => (await import('./action.js')).sendNotifyTest));
  return notify;
}
