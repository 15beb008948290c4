/**
 * Whose a schedule on the server is, read from the memo sync wrote at its
 * creation. Sync changes only this project's own schedules: a namespace is
 * shared, and two projects may even live in directories of the same name.
 */
import { projectOwner, type MappingContext } from '../schedule-mapping.js';
import { MANAGED_BY, type ScheduleMemo } from '../../../workflows/contract.js';

/**
 * `ours` (this project's mark and environment), `legacy` (made under this
 * project's earlier identity: before ownership marks, or under the directory
 * mark before meltano.yml had a project_id; which project made it cannot be
 * told for sure, so it is migrated when this project wants its name, else
 * left alone), `other`.
 */
export type Ownership = 'ours' | 'legacy' | 'other';

export function ownership(memo: Record<string, unknown> | undefined, ctx: MappingContext): Ownership {
  if (memo?.managedBy !== MANAGED_BY || memo.environment !== (ctx.environment ?? 'default')) return 'other';
  if (memo.projectId === undefined) return memo.project === ctx.legacyProjectKey ? 'legacy' : 'other';
  if (memo.projectId === ctx.owner && memo.project === ctx.projectKey) return 'ours';
  // Meltano writes a project_id into meltano.yml by itself (its second command in a
  // project restores the one it kept in .meltano/analytics.json), so schedules synced
  // before that carry the directory mark: this project's earlier identity, not another's.
  const directoryMark = projectOwner({ root: ctx.project.root, projectId: null });
  if (ctx.owner !== directoryMark && memo.projectId === directoryMark && memo.project === ctx.legacyProjectKey) {
    return 'legacy';
  }
  return 'other';
}

/** Who owns a schedule, for a refusal: `by meltano-temporal for project 'elt-1a2b3c4d' (project_id ..., environment dev)`. */
export function ownerText(memo: Record<string, unknown> | undefined): string {
  if (memo?.managedBy !== MANAGED_BY) return 'not by meltano-temporal';
  const m = memo as Partial<ScheduleMemo>;
  const id = m.projectId ? `project_id ${m.projectId}` : 'no project_id';
  return `by meltano-temporal for project '${String(m.project)}' (${id}, environment ${String(m.environment)})`;
}
