/**
 * The sync planner, pure: from what meltano.yml wants and what the server
 * holds (one listing, and a describe of each schedule the listing could not
 * settle), one item per schedule: create (perhaps replacing a schedule of
 * this project's earlier identity), update with its reasons, unchanged, an
 * error, and with `prune` a delete per managed schedule gone from meltano.yml.
 * Reading the server is plan-sync.ts's; carrying the plan out is apply.ts's.
 */
import type { ScheduleDescription, ScheduleSummary } from '@temporalio/client';
import { UserError } from '../../errors.js';
import type { Project, ScheduleDef } from '../../project/model.js';
import {
  desiredSchedule,
  scheduleId,
  syncHash,
  type DesiredSchedule,
  type MappingContext,
} from '../schedule-mapping.js';
import { simultaneousStarts, simultaneousStartsWarning } from '../simultaneous-starts.js';
import { notInEnvironment } from '../annotations.js';
import { carriedHash, inStepByListing, scheduleDrift } from './drift.js';
import { ownership, ownerText } from './ownership.js';
import { byActionThenName, errorItem, type ReportHeader, type SyncItem } from './report.js';

export interface PlanOptions {
  /** Also plan deleting managed schedules of this project and environment gone from meltano.yml. */
  prune?: boolean;
  /** Only these meltano schedules (the rest are left alone, never pruned). */
  only?: string[];
  /** Describe every schedule (finds hand edits in the UI), not only those whose sync hash differs. */
  verify?: boolean;
  /** How many schedules are described at once (default DEFAULT_SYNC_CONCURRENCY). */
  concurrency?: number;
}

/**
 * A schedule to re-create under this project's id and mark: one made before
 * ownership marks (the server never updates a memo, so the mark cannot be added).
 */
export interface Migration {
  fromId: string;
  /** The operator's pause and note, kept across the re-creation. */
  paused: boolean;
  note?: string;
}

/** One planned step; `desired` and `migrate` are what applying it needs. */
export interface PlannedItem extends SyncItem {
  desired?: DesiredSchedule;
  migrate?: Migration;
}

/** What a sync would do; apply it with `applySync`, or show it (a dry run). */
export interface SyncPlan extends ReportHeader {
  items: PlannedItem[];
}

/** A schedule's wanted Temporal form and its sync hash, or why meltano.yml's entry has none. */
export type WantedForm =
  { schedule: ScheduleDef; desired: DesiredSchedule; hash: string } | { schedule: ScheduleDef; error: string };

/** What one listing of the namespace's schedules says, sorted by whose they are. */
export interface ServerListing {
  /** This project's schedules, by id. */
  ours: Map<string, ScheduleSummary>;
  /** Schedules of this project's earlier identity, by id: migrated when wanted, never pruned. */
  legacy: Map<string, ScheduleSummary>;
  /** Every id on the server, whoever made it: one not listed needs no describe to be created. */
  ids: Set<string>;
}

/** A describe that failed (other than for a schedule that does not exist), in words. */
export interface DescribeFailure {
  failed: string;
}

/** What the describes found, by id; an id missing here has no schedule on the server (or was not described). */
export type Described = ReadonlyMap<string, ScheduleDescription | DescribeFailure>;

/** The project's schedules a sync with these options looks at. */
export function wantedSchedules(project: Project, options: PlanOptions): ScheduleDef[] {
  return project.schedules.filter((s) => !options.only || options.only.includes(s.name));
}

export function wantedForm(ctx: MappingContext, schedule: ScheduleDef): WantedForm {
  try {
    const desired = desiredSchedule(ctx, schedule);
    return { schedule, desired, hash: syncHash(desired, ctx) };
  } catch (err) {
    return { schedule, error: err instanceof UserError ? err.describe() : String(err) };
  }
}

/**
 * The ids to describe before planning: those the listing cannot settle. Not one
 * missing from the listing: nothing to describe (a schedule the listing missed,
 * being created meanwhile, makes the create fail, and applySync looks at it then).
 */
export function toDescribe(wanted: WantedForm[], listing: ServerListing, options: PlanOptions): string[] {
  const verify = Boolean(options.verify);
  return wanted.flatMap((w) => {
    if ('error' in w || inStepByListing(listing.ours.get(w.desired.id), w.hash, verify)) return [];
    if (notInEnvironment(w.desired.annotations, w.desired.input.environment)) return [];
    return verify || listing.ids.has(w.desired.id) ? [w.desired.id] : [];
  });
}

/** The plan of one wanted schedule, and the id of the earlier-identity schedule it takes over, if any. */
function planSchedule(
  w: Extract<WantedForm, { desired: DesiredSchedule }>,
  listing: ServerListing,
  described: Described,
  ctx: MappingContext,
  verify: boolean,
): { item: PlannedItem; takesOver?: string } {
  const { desired: d, schedule } = w;
  const base = { schedule: schedule.name, scheduleId: d.id, applied: false, desired: d };
  const excluded = notInEnvironment(d.annotations, ctx.environment);
  if (excluded) {
    // Listed for other environments only: never created here, and deleted where an earlier list had it.
    const onServer = listing.ours.has(d.id);
    return {
      item: {
        action: onServer ? 'delete' : 'skip',
        schedule: schedule.name,
        scheduleId: d.id,
        changes: [excluded],
        applied: false,
      },
    };
  }
  if (inStepByListing(listing.ours.get(d.id), w.hash, verify)) {
    return { item: { ...base, action: 'unchanged', changes: [] } };
  }
  const current = described.get(d.id);
  if (current && 'failed' in current) return { item: errorItem(schedule.name, d.id, current.failed) };
  if (!current) {
    // Not on the server: created, taking over the schedule of this project's earlier identity if there is one.
    const legacyId = scheduleId(ctx.legacyProjectKey, ctx.environment, schedule.name);
    const legacy = legacyId !== d.id ? listing.legacy.get(legacyId) : undefined;
    const changes = [`${d.summary.interval} (${d.summary.cron}), job ${d.job}`];
    if (!legacy) return { item: { ...base, action: 'create', changes } };
    changes.push(`replaces ${legacyId} (made under this project's earlier identity; paused state kept)`);
    const migrate = migrationFrom(legacyId, legacy.state);
    return { item: { ...base, action: 'create', changes, migrate }, takesOver: legacyId };
  }
  const owner = ownership(current.memo, ctx);
  if (owner === 'other') {
    const error =
      `schedule ${d.id} belongs to another project (created ${ownerText(current.memo)}); left untouched. ` +
      `Give this project its own key: a project_id in meltano.yml or MELTANO_TEMPORAL_PROJECT`;
    return { item: errorItem(schedule.name, d.id, error) };
  }
  if (owner === 'legacy') {
    // At this project's id already, without its mark: re-created in place.
    const changes = ['ownership mark added (re-created; paused state kept)'];
    return {
      item: { ...base, action: 'update', changes, migrate: migrationFrom(d.id, current.state) },
      takesOver: d.id,
    };
  }
  const changes = scheduleDrift(current, d);
  // In step but for the hash (made before sync hashes): an update writes it, so the next sync is a listing.
  if (!changes.length && carriedHash(current) !== w.hash) changes.push('sync hash recorded');
  return { item: { ...base, action: changes.length ? 'update' : 'unchanged', changes } };
}

function migrationFrom(fromId: string, state: { paused: boolean; note?: string }): Migration {
  return { fromId, paused: state.paused, ...(state.note !== undefined ? { note: state.note } : {}) };
}

/**
 * With prune: a delete per schedule of ours gone from meltano.yml, and an error
 * per earlier-identity schedule not taken over (it may be another project's).
 */
function pruneItems(project: Project, listing: ServerListing, takenOver: Set<string>, ctx: MappingContext) {
  const items: PlannedItem[] = [];
  const keep = new Set(project.schedules.map((s) => s.name));
  for (const summary of listing.ours.values()) {
    const name = String(summary.memo?.schedule ?? '');
    if (keep.has(name)) continue;
    items.push({ action: 'delete', schedule: name, scheduleId: summary.scheduleId, changes: [], applied: false });
  }
  for (const [id, summary] of listing.legacy) {
    if (takenOver.has(id)) continue;
    const error =
      `not deleted: made before ownership marks or project_id for a project named '${ctx.legacyProjectKey}', so it may ` +
      `belong to another project in a directory of that name; if it is this project's, delete it with ` +
      `temporal schedule delete --schedule-id '${id}'`;
    items.push(errorItem(String(summary.memo?.schedule ?? ''), id, error));
  }
  return items;
}

export interface PlanInput {
  ctx: MappingContext;
  namespace: string;
  /** The wanted form of each of `wantedSchedules`. */
  wanted: WantedForm[];
  listing: ServerListing;
  /** The describes of `toDescribe`'s ids. */
  described: Described;
  options: PlanOptions;
}

/** Compare meltano.yml with the server's state, changing nothing. */
export function makePlan({ ctx, namespace, wanted, listing, described, options }: PlanInput): SyncPlan {
  const { project } = ctx;
  const items: PlannedItem[] = [];
  const isWanted = (name: string) => !options.only || options.only.includes(name);
  // Schedules that could not even be read from meltano.yml.
  for (const p of project.problems.filter((x) => x.kind === 'schedule' && isWanted(x.name))) {
    items.push(errorItem(p.name, '', `${p.file}: ${p.message}`));
  }
  const takenOver = new Set<string>();
  for (const w of wanted) {
    if ('error' in w) {
      items.push(errorItem(w.schedule.name, '', w.error));
      continue;
    }
    const { item, takesOver } = planSchedule(w, listing, described, ctx, Boolean(options.verify));
    items.push(item);
    if (takesOver) takenOver.add(takesOver);
  }
  // With `only`, the other schedules are not looked at, so none of them may be pruned.
  if (options.prune && !options.only) items.push(...pruneItems(project, listing, takenOver, ctx));
  items.sort(byActionThenName);
  const desired = items.flatMap((i) => (i.desired ? [i.desired] : []));
  return {
    project: ctx.projectKey,
    environment: ctx.environment ?? null,
    namespace,
    items,
    warnings: options.only ? [] : simultaneousStarts(desired).map(simultaneousStartsWarning),
  };
}
