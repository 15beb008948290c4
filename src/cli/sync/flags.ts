/** `--concurrency` of the syncs of `sync` and `up`: one definition, one check. */
import type { Command } from 'commander';
import { DEFAULT_SYNC_CONCURRENCY, MAX_SYNC_CONCURRENCY } from '../../temporal/sync-limits.js';
import { parseWholeNumber } from '../../util/values.js';

/** `which` says which syncs the flag governs, for the help text (` by each sync ...`). */
export function addSyncConcurrencyOption(cmd: Command, which = ''): Command {
  return cmd.option(
    '--concurrency <n>',
    `how many schedules are read and written at once${which} (1 to ${MAX_SYNC_CONCURRENCY})`,
    String(DEFAULT_SYNC_CONCURRENCY),
  );
}

/**
 * @throws {InvalidValueError} not a whole number from 1 to MAX_SYNC_CONCURRENCY
 */
export function parseSyncConcurrency(value: string): number {
  return parseWholeNumber(value, '--concurrency', 1, MAX_SYNC_CONCURRENCY);
}
