/**
 * Delete the Temporal Schedule of one meltano schedule after `schedule remove`:
 * only when it is this project's, so a remove never reaches into another
 * project's schedules on a shared namespace.
 */
import type { Client } from '@temporalio/client';
import { ScheduleOwnedElsewhereError } from '../../errors.js';
import { scheduleId, type MappingContext } from '../schedule-mapping.js';
import { clientSdk } from '../sdk.js';
import { ownership, ownerText } from './ownership.js';

/**
 * Delete it at its id, else at its id from before ownership marks.
 * With `checkOnly`, nothing is deleted: only what would happen is found out.
 * @returns whether there was one to delete
 * @throws {ScheduleOwnedElsewhereError} the schedule at that id belongs to another project
 */
export async function deleteSchedule(
  client: Client,
  ctx: MappingContext,
  name: string,
  options: { checkOnly?: boolean } = {},
): Promise<boolean> {
  const { ScheduleNotFoundError } = clientSdk();
  const ids = [
    ...new Set([
      scheduleId(ctx.projectKey, ctx.environment, name),
      scheduleId(ctx.legacyProjectKey, ctx.environment, name),
    ]),
  ];
  for (const id of ids) {
    const handle = client.schedule.getHandle(id);
    try {
      const { memo } = await handle.describe();
      if (ownership(memo, ctx) === 'other') {
        // Another project's schedule at the old id is simply not ours to remove; at our own id it is a conflict.
        if (id !== ids[0]) continue;
        throw new ScheduleOwnedElsewhereError(id, ownerText(memo));
      }
      if (!options.checkOnly) await handle.delete();
      return true;
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
  return false;
}
