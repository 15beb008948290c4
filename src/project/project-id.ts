/**
 * A project's `project_id`, made durable before schedules are named after it.
 *
 * Meltano gives every project a `project_id`: `meltano init` writes one, and
 * any later command restores it into meltano.yml from `.meltano/analytics.json`
 * when it is missing (its first command there writes that file). Our schedule
 * ids and ownership marks are derived from it, so a project synced before
 * Meltano added it would change identity under its running schedules. `sync`
 * and `up` therefore do now what Meltano would do on its next command: write
 * the id Meltano kept, else a new UUID, at the end of meltano.yml.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MELTANO_FILE } from './root.js';
import { loadProject, type LoadOptions } from './load.js';
import type { Project } from './model.js';
import { systemDirectory } from './settings.js';
import { editProject } from './write.js';

export interface EnsuredProjectId {
  projectId: string;
  /** Written to meltano.yml by this call. */
  added: boolean;
  /** Where a written id came from. */
  source?: 'analytics.json' | 'new';
}

/** The project_id Meltano keeps in its system directory, if any. */
export function keptProjectId(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const file = path.join(systemDirectory(root, env), 'analytics.json');
    const kept = (JSON.parse(readFileSync(file, 'utf8')) as { project_id?: unknown }).project_id;
    return typeof kept === 'string' && kept.trim() ? kept.trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Make sure meltano.yml has a project_id; a read-only project
 * (`project_readonly`) is left as it is and keeps its directory identity.
 * @returns the id, or undefined for a read-only project without one
 * @throws {UserError} meltano.yml cannot be read or written
 */
export async function ensureProjectId(options: LoadOptions): Promise<EnsuredProjectId | undefined> {
  const project: Project = loadProject(options);
  if (project.projectId) return { projectId: project.projectId, added: false };
  if (project.settings.projectReadonly.value) return undefined;
  return editProject<EnsuredProjectId>({ ...options, root: project.root }, (current) => {
    if (current.projectId) return { edits: [], result: { projectId: current.projectId, added: false } };
    const kept = keptProjectId(current.root, options.env);
    const projectId = kept ?? randomUUID();
    return {
      edits: [{ file: MELTANO_FILE, edit: { op: 'addTop', key: 'project_id', value: projectId } }],
      result: { projectId, added: true, source: kept ? 'analytics.json' : 'new' },
    };
  });
}
