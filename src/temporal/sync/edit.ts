/**
 * Temporal's side of `schedule add|set|remove` when a server is configured:
 * before the edit is written, whether the server can take it (so a refusal
 * leaves every file as it was); after it, that one schedule brought in step.
 */
import { UserError } from '../../errors.js';
import { REGISTERED_SEARCH_ATTRIBUTES, SYNC_HASH_ATTRIBUTE } from '../../../workflows/contract.js';
import type { Project } from '../../project/model.js';
import type { ScheduleService } from '../schedules.js';
import { explainServerError, serverCause } from '../server-errors.js';
import type { SyncReport } from './report.js';

/**
 * Register the search attributes runs carry when they are missing, as `sync` does;
 * returns the ones added.
 * @throws {UserError} the server refused (no such namespace, or no right to register): what to do instead
 */
export async function registerForEdit(
  schedules: ScheduleService,
  server: { namespace: string; address: string },
): Promise<string[]> {
  try {
    return await schedules.registerSearchAttributes();
  } catch (err) {
    const known = explainServerError(err, server.namespace, server.address);
    if (known instanceof UserError) throw known;
    throw new UserError(
      `Cannot register the search attributes meltano-temporal needs in namespace '${server.namespace}': ${serverCause(err)}`,
      {
        hint:
          `register ${REGISTERED_SEARCH_ATTRIBUTES.slice(0, -1).join(', ')} and ${SYNC_HASH_ATTRIBUTE} as Keyword once ` +
          '(temporal operator search-attribute create --name NAME --type Keyword), or run `meltano-temporal sync` with credentials that may',
        cause: err,
      },
    );
  }
}

/**
 * With the project as the edit leaves it: the server must be able to take this
 * schedule's change (not a schedule of another project at its id).
 * @throws {UserError} the server cannot take it, in its own words
 */
export async function checkEditAccepted(schedules: ScheduleService, edited: Project, name: string): Promise<void> {
  // Without a project_id the schedule ids move to the one added after the edit: nothing to check at the old ones.
  if (edited.projectId === null) return;
  if (!edited.schedules.some((s) => s.name === name)) {
    await schedules.remove(name, { checkOnly: true });
    return;
  }
  const refused = (await schedules.planSync({ only: [name] })).items.find((i) => i.action === 'error');
  if (refused)
    throw new UserError(
      `Temporal cannot take schedule '${name}'${refused.scheduleId ? ` (${refused.scheduleId})` : ''}: ${refused.error}`,
      { hint: 'resolve that first' },
    );
}

/** What bringing one edited schedule in step did. */
export type EditSyncOutcome =
  | { kind: 'synced'; report: SyncReport }
  | { kind: 'deleted'; scheduleId: string }
  | { kind: 'absent'; scheduleId: string };

/** After the edit: sync the schedule when meltano.yml still has it, else delete it from Temporal. */
export async function syncEditedSchedule(
  schedules: ScheduleService,
  project: Project,
  name: string,
): Promise<EditSyncOutcome> {
  if (project.schedules.some((s) => s.name === name))
    return { kind: 'synced', report: await schedules.applySync(await schedules.planSync({ only: [name] })) };
  const scheduleId = schedules.idOf(name);
  return (await schedules.remove(name)) ? { kind: 'deleted', scheduleId } : { kind: 'absent', scheduleId };
}
