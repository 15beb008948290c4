/**
 * The hooks that make `schedule add|set|remove` reach Temporal when a server
 * is configured: a check before the edit (so a server that cannot take the
 * schedule leaves every file untouched), and the sync of that one schedule
 * after it.
 */
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { REGISTERED_SEARCH_ATTRIBUTES, SYNC_HASH_ATTRIBUTE } from '../../../workflows/contract.js';
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
 * adds them); and the server must be able to take this schedule's change (not
 * a schedule of another project at its id). A refusal says why (the server's
 * own words), how to fix it, and that no file was changed.
 * @throws {UserError} the server cannot take the edit; nothing was written
 */
export async function checkTemporalBeforeEdit(cmd: Command, edited: Project, name: string): Promise<void> {
  if (!temporalWanted(cmd)) return;
  try {
    await withServer(
      cmd,
      async ({ schedules, settings }) => {
        let added: string[];
        try {
          added = await schedules.registerSearchAttributes();
        } catch (err) {
          const { explainServerError, serverCause } = await import('../../temporal/server-errors.js');
          const known = explainServerError(err, settings.namespace, settings.address);
          if (known instanceof UserError) throw known;
          throw new UserError(
            `Cannot register the search attributes meltano-temporal needs in namespace '${settings.namespace}': ${serverCause(err)}`,
            {
              hint:
                `register ${REGISTERED_SEARCH_ATTRIBUTES.slice(0, -1).join(', ')} and ${SYNC_HASH_ATTRIBUTE} as Keyword once ` +
                '(temporal operator search-attribute create --name NAME --type Keyword), or run `meltano-temporal sync` with credentials that may',
              cause: err,
            },
          );
        }
        if (added.length) process.stderr.write(`temporal: registered search attributes: ${added.join(', ')}\n`);
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
  await withServer(
    cmd,
    async ({ schedules }) => {
      if (named.schedules.some((s) => s.name === name)) {
        const { formatSyncItem } = await import('../../temporal/sync/report.js');
        const report = await schedules.applySync(await schedules.planSync({ only: [name] }));
        for (const item of report.items) process.stderr.write(`temporal: ${formatSyncItem(item)}\n`);
        if (!report.ok) {
          process.stderr.write(
            `temporal: meltano.yml has the change, Temporal does not: fix the cause above, then run \`meltano-temporal sync\`\n`,
          );
          process.exitCode = 1;
        }
      } else if (await schedules.remove(name)) {
        process.stderr.write(`temporal: - delete ${name} (${schedules.idOf(name)})\n`);
      } else {
        process.stderr.write(`temporal: ${schedules.idOf(name)} was not in Temporal\n`);
      }
    },
    named,
  );
}
