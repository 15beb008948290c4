/** What commands that talk to Temporal share when they run: the connection settings, and one connected schedules service. */
import type { Command } from 'commander';
import { loadProject } from '../../project/load.js';
import type { Project } from '../../project/model.js';
import { connectClient, connectionSettings, type ConnectionSettings } from '../../temporal/connection.js';
import type { ScheduleService } from '../../temporal/schedules.js';
import { resolveScope } from '../../temporal/scope.js';
import { explainServerError } from '../../temporal/server-errors.js';
import { projectOptions } from './action.js';
import { serverFlags } from './server-options.js';

/** Connection settings from the profile file, the environment and this command's flags. */
export function settingsOf(cmd: Command): Promise<ConnectionSettings> {
  return connectionSettings(serverFlags(cmd));
}

export interface Server {
  project: Project;
  schedules: ScheduleService;
  settings: ConnectionSettings;
  /** How many requests the server's rate limiter refused (each was retried). */
  rateLimits: { readonly count: number };
  close(): Promise<void>;
}

/** Connect and build the schedules service for this command's project and scope. */
async function openServer(cmd: Command, project?: Project): Promise<Server> {
  const flags = serverFlags(cmd);
  const p = project ?? loadProject(projectOptions(cmd));
  const settings = await connectionSettings(flags);
  const { client, connection, rateLimits } = await connectClient(settings);
  // Loaded here, not at startup: it pulls in the SDK, which commands that edit meltano.yml never need.
  const { ScheduleService } = await import('../../temporal/schedules.js');
  const schedules = new ScheduleService({ client, project: p, scope: resolveScope(p, flags) });
  return { project: p, schedules, settings, rateLimits, close: () => connection.close() };
}

/** Run `fn` with a connected server, closing the connection afterwards. */
export async function withServer<T>(cmd: Command, fn: (s: Server) => Promise<T>, project?: Project): Promise<T> {
  const server = await openServer(cmd, project);
  try {
    return await fn(server);
  } catch (err) {
    // The server's refusals users can fix (no such namespace, search attributes missing) as named errors.
    throw explainServerError(err, server.settings.namespace, server.settings.address);
  } finally {
    await server.close();
  }
}

/**
 * Before schedules are named after the project: give meltano.yml the
 * project_id Meltano itself would add on its next command (project-id.ts),
 * with a note on stderr (through `note`, for a command with its own log format). Returns the project as it now is.
 */
export async function withProjectId(
  cmd: Command,
  project?: Project,
  note: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
): Promise<Project> {
  const { ensureProjectId } = await import('../../project/project-id.js');
  const options = project ? { root: project.root } : projectOptions(cmd);
  const ensured = await ensureProjectId(options);
  if (ensured?.added) {
    const from =
      ensured.source === 'analytics.json' ? 'the one Meltano keeps in .meltano/analytics.json' : 'a new UUID';
    note(
      `meltano.yml: added project_id ${ensured.projectId} (${from}), as Meltano does on its next command; ` +
        `schedule ids and ownership are named after it`,
    );
  }
  return ensured?.added || !project ? loadProject(options) : project;
}

/**
 * For a dry run, which writes nothing: the project as `sync` would name it,
 * with the project_id it would add when Meltano kept one, and a note.
 */
export async function previewProjectId(cmd: Command): Promise<Project> {
  const { keptProjectId } = await import('../../project/project-id.js');
  const project = loadProject(projectOptions(cmd));
  if (project.projectId || project.settings.projectReadonly.value) return project;
  const kept = keptProjectId(project.root);
  process.stderr.write(
    kept
      ? `meltano.yml has no project_id: sync will add ${kept} (the one Meltano keeps in .meltano/analytics.json); the ids below use it\n`
      : `meltano.yml has no project_id: sync will add a new one, and schedule ids will carry its tag (the ids below do not)\n`,
  );
  return kept ? { ...project, projectId: kept } : project;
}
