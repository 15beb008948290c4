/** The hook that makes `schedule add|set|remove` reach Temporal when a server is configured. */
import type { Command } from 'commander';
import type { Project } from '../project/model.js';
import { withProjectId, withServer } from './server-context.js';

/** After `schedule add|set|remove`: bring that schedule in Temporal in step, when a server is configured. */
export async function syncAfterEdit(project: Project, name: string, cmd: Command): Promise<void> {
  const flags = cmd.optsWithGlobals<{ temporal?: boolean }>();
  if (flags.temporal === false || !process.env.TEMPORAL_ADDRESS) return;
  const named = project.schedules.some((s) => s.name === name) ? await withProjectId(cmd, project) : project;
  await withServer(
    cmd,
    async ({ schedules }) => {
      if (named.schedules.some((s) => s.name === name)) {
        const { formatSyncItem } = await import('../temporal/sync.js');
        const report = await schedules.applySync(await schedules.planSync({ only: [name] }));
        for (const item of report.items) process.stderr.write(`temporal: ${formatSyncItem(item)}\n`);
        if (!report.ok) process.exitCode = 1;
      } else if (await schedules.remove(name)) {
        process.stderr.write(`temporal: - delete ${name} (${schedules.idOf(name)})\n`);
      } else {
        process.stderr.write(`temporal: ${schedules.idOf(name)} was not in Temporal\n`);
      }
    },
    named,
  );
}
