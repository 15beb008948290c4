/**
 * The hooks that make `schedule add|set|remove` reach Temporal when a server
 * is configured (src/temporal/sync/edit.ts): a check before the edit (so a
 * server that cannot take the schedule leaves every file untouched), and the
 * sync of that one schedule after it; this file prints and words the refusal.
 */
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import type { Project } from '../../project/model.js';
import { withProjectId, withServer } from '../program/server-context.js';

/** Whether this edit also goes to Temporal: TEMPORAL_ADDRESS set and no --no-temporal. */
function temporalWanted(cmd: Command): boolean {
  const flags = cmd.optsWithGlobals<{ temporal?: boolean }>();
  return flags.temporal !== false && Boolean(process.env.TEMPORAL_ADDRESS);
}

/**
 * Before `schedule add|set|remove` writes a file, with the project as the
 * edit leaves it: the server must answer, the namespace exist and the search
 * attributes runs carry be registered (added here when missing, as `sync`
 * adds them); and the server must be able to take this schedule's change. A
 * refusal says why (the server's own words), how to fix it, and that no file was changed.
 * @throws {UserError} the server cannot take the edit; nothing was written
 */
export async function checkTemporalBeforeEdit(cmd: Command, edited: Project, name: string): Promise<void> {
  if (!temporalWanted(cmd)) return;
  const { registerForEdit, checkEditAccepted } = await import('../../temporal/sync/edit.js');
  try {
    await withServer(
      cmd,
      async ({ schedules, settings }) => {
        const added = await registerForEdit(schedules, settings);
        if (added.length) process.stderr.write(`temporal: registered search attributes: ${added.join(', ')}\n`);
        await checkEditAccepted(schedules, edited, name);
      },
      edited,
    );
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(`${err.message} No file was changed.`, {
      exitCode: err.exitCode,
      cause: err.cause,
      hint: `${err.hint ? `${err.hint}; ` : ''}or edit meltano.yml alone with --no-temporal (then \`meltano-temporal sync\` later)`,
    });
  }
}

/** After `schedule add|set|remove`: bring that schedule in Temporal in step, when a server is configured. */
export async function syncAfterEdit(project: Project, name: string, cmd: Command): Promise<void> {
  if (!temporalWanted(cmd)) return;
  const named = project.schedules.some((s) => s.name === name) ? await withProjectId(cmd, project) : project;
  const [{ syncEditedSchedule }, { formatSyncItem }] = await Promise.all([
    import('../../temporal/sync/edit.js'),
    import('../../temporal/sync/report.js'),
  ]);
  const outcome = await withServer(cmd, ({ schedules }) => syncEditedSchedule(schedules, named, name), named);
  if (outcome.kind === 'synced') {
    for (const item of outcome.report.items) process.stderr.write(`temporal: ${formatSyncItem(item)}\n`);
    if (!outcome.report.ok) {
      process.stderr.write(
        `temporal: meltano.yml has the change, Temporal does not: fix the cause above, then run \`meltano-temporal sync\`\n`,
      );
      process.exitCode = 1;
    }
  } else if (outcome.kind === 'deleted') {
    process.stderr.write(`temporal: - delete ${name} (${outcome.scheduleId})\n`);
  } else {
    process.stderr.write(`temporal: ${outcome.scheduleId} was not in Temporal\n`);
  }
}
