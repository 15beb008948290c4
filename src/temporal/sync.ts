/**
 * Reconcile meltano.yml with Temporal: create missing schedules, update the
 * ones whose spec, action or policies drifted (from meltano.yml or from a
 * hand edit in the UI), delete managed ones gone from meltano.yml with
 * --prune. Schedules this tool did not create are never touched. One broken
 * schedule is reported and skipped; the others still sync.
 */
import { createHash } from 'node:crypto';
import type { Client, ScheduleDescription, ScheduleHandle, ScheduleOptions, ScheduleSummary } from '@temporalio/client';
import { InternalError, ScheduleOwnedElsewhereError, UserError } from '../errors.js';
import type { ScheduleDef } from '../project/model.js';
import { failureText } from './server-errors.js';
import {
  desiredSchedule,
  projectOwner,
  scheduleId,
  type DesiredSchedule,
  type MappingContext,
} from './schedule-mapping.js';
import {
  MANAGED_BY,
  REGISTERED_SEARCH_ATTRIBUTES,
  SEARCH_ATTRIBUTE_NAMES,
  SYNC_HASH_ATTRIBUTE,
  WORKFLOW_TYPE,
  type ScheduledRunMemo,
  type ScheduleMemo,
} from '../../workflows/contract.js';
import { simultaneousStarts, simultaneousStartsWarning } from './simultaneous-starts.js';
import { DEFAULT_SYNC_CONCURRENCY } from './sync-limits.js';
import { clientSdk, commonSdk, protoSdk } from './sdk.js';

export type SyncAction = 'create' | 'update' | 'delete' | 'unchanged' | 'error';

export interface SyncItem {
  action: SyncAction;
  schedule: string;
  scheduleId: string;
  /** For update: what changed, `interval: @daily -> @hourly`. */
  changes: string[];
  error?: string;
  /** Whether the change was applied (false with --dry-run or on error). */
  applied: boolean;
}

export interface SyncReport {
  project: string;
  environment: string | null;
  namespace: string;
  dryRun: boolean;
  items: SyncItem[];
  ok: boolean;
  /** What is in step but unwise, such as many schedules starting at one instant without jitter. */
  warnings: string[];
}

function specHash(description: ScheduleDescription): string {
  const { spec } = description;
  return createHash('sha256')
    .update(
      JSON.stringify({
        calendars: spec.calendars ?? [],
        intervals: spec.intervals ?? [],
        tz: spec.timezone ?? null,
        jitter: spec.jitter ?? null,
        start: spec.startAt ?? null,
        end: spec.endAt ?? null,
      }),
    )
    .digest('hex')
    .slice(0, 16);
}

const OVERLAP_ENUM: Record<string, string> = {
  skip: 'SKIP',
  buffer_one: 'BUFFER_ONE',
  buffer_all: 'BUFFER_ALL',
  cancel_other: 'CANCEL_OTHER',
  terminate_other: 'TERMINATE_OTHER',
  allow_all: 'ALLOW_ALL',
};

async function searchAttributePairs(d: DesiredSchedule) {
  const { defineSearchAttributeKey, SearchAttributeType } = commonSdk();
  return SEARCH_ATTRIBUTE_NAMES.map((name) => ({
    key: defineSearchAttributeKey(name, SearchAttributeType.KEYWORD),
    value: d.searchAttributes[name],
  }));
}

/** The sync hash of a desired schedule: everything sync writes (spec, action, policies, attributes) and its owner. */
export function syncHash(d: DesiredSchedule, ctx: MappingContext): string {
  return createHash('sha256')
    .update(JSON.stringify({ form: 1, fingerprint: d.fingerprint, owner: ctx.owner, project: ctx.projectKey }))
    .digest('hex')
    .slice(0, 16);
}

async function syncHashAttribute(d: DesiredSchedule, ctx: MappingContext) {
  const { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } = commonSdk();
  return new TypedSearchAttributes([
    { key: defineSearchAttributeKey(SYNC_HASH_ATTRIBUTE, SearchAttributeType.KEYWORD), value: syncHash(d, ctx) },
  ]);
}

/** The sync hash a listed schedule carries, if any. */
function listedHash(summary: ScheduleSummary | undefined): string | undefined {
  const pair = summary?.typedSearchAttributes?.getAll().find((p) => p.key.name === SYNC_HASH_ATTRIBUTE);
  return typeof pair?.value === 'string' ? pair.value : undefined;
}

async function scheduleOptions(d: DesiredSchedule, ctx: MappingContext, serverSpec?: string): Promise<ScheduleOptions> {
  const memo: ScheduleMemo = {
    managedBy: MANAGED_BY,
    project: ctx.projectKey,
    projectId: ctx.owner,
    environment: ctx.environment ?? 'default',
    schedule: d.schedule.name,
  };
  const actionMemo: ScheduledRunMemo = {
    fingerprint: d.fingerprint,
    summary: d.summary,
    ...(serverSpec ? { serverSpec } : {}),
  };
  return {
    scheduleId: d.id,
    spec: {
      ...(d.cron ? { cronExpressions: [d.cron] } : {}),
      ...(d.annotations.timezone ? { timezone: d.annotations.timezone } : {}),
      ...(d.annotations.jitter ? { jitter: d.annotations.jitter as `${number}s` } : {}),
    },
    action: {
      type: 'startWorkflow',
      // The name, not the function: importing the workflow would load @temporalio/workflow into every sync.
      workflowType: WORKFLOW_TYPE,
      taskQueue: d.taskQueue,
      workflowId: d.id,
      args: [d.input],
      staticSummary: d.staticSummary,
      staticDetails: d.staticDetails,
      memo: actionMemo as unknown as Record<string, unknown>,
      typedSearchAttributes: await searchAttributePairs(d),
    },
    policies: {
      overlap: OVERLAP_ENUM[d.annotations.overlap] as ScheduleOptions['policies'] extends infer P
        ? P extends { overlap?: infer O }
          ? O
          : never
        : never,
      catchupWindow: d.annotations.catchupWindow as `${number}m`,
      pauseOnFailure: d.annotations.pauseOnFailure,
    },
    memo: memo as unknown as Record<string, unknown>,
    typedSearchAttributes: await syncHashAttribute(d, ctx),
    state: { paused: d.annotations.paused, note: `managed by ${MANAGED_BY} from meltano.yml (${d.schedule.file})` },
  };
}

/**
 * Whose a schedule is, from its memo: `ours` (this project's mark and
 * environment), `legacy` (made under this project's earlier identity: before
 * ownership marks, or under the directory mark before meltano.yml had a
 * project_id; which project made it cannot be told for sure, so it is
 * migrated when this project wants its name, else left alone), `other`.
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

/** Who owns a schedule, for a refusal: `project elt-1a2b3c4d (project_id ..., environment dev)`. */
function ownerText(memo: Record<string, unknown> | undefined): string {
  if (memo?.managedBy !== MANAGED_BY) return 'not by meltano-temporal';
  const m = memo as Partial<ScheduleMemo>;
  const id = m.projectId ? `project_id ${m.projectId}` : 'no project_id';
  return `by meltano-temporal for project '${String(m.project)}' (${id}, environment ${String(m.environment)})`;
}

/** What differs between the server's schedule and the desired one (empty: in step). */
export function scheduleDrift(current: ScheduleDescription, d: DesiredSchedule): string[] {
  const action = current.action as {
    workflowType?: string;
    taskQueue?: string;
    memo?: Record<string, unknown>;
    args?: unknown[];
  };
  const memo = (action.memo ?? {}) as Partial<ScheduledRunMemo>;
  const changes: string[] = [];
  const before = memo.summary ?? {};
  for (const [key, value] of Object.entries(d.summary)) {
    if (before[key] !== value) changes.push(`${key}: ${before[key] ?? '(none)'} -> ${value}`);
  }
  if (memo.fingerprint !== d.fingerprint && changes.length === 0) changes.push('definition changed');
  if (memo.serverSpec && memo.serverSpec !== specHash(current)) changes.push('spec changed on the server (put back)');
  if (action.workflowType !== WORKFLOW_TYPE || action.taskQueue !== d.taskQueue)
    changes.push('action changed on the server (put back)');
  if (JSON.stringify(action.args ?? []) !== JSON.stringify([d.input]))
    changes.push('workflow input changed on the server (put back)');
  const policies = current.policies;
  if (
    policies.overlap !== OVERLAP_ENUM[d.annotations.overlap] ||
    policies.pauseOnFailure !== d.annotations.pauseOnFailure
  )
    changes.push('policies changed on the server (put back)');
  return [...new Set(changes)];
}

/** Identity of a desired spec: schedules with equal ones compile to the same server spec. */
function specKey(d: DesiredSchedule): string {
  return JSON.stringify([d.cron, d.annotations.timezone ?? null, d.annotations.jitter ?? null]);
}

async function recordServerSpec(handle: ScheduleHandle): Promise<string> {
  const described = await handle.describe();
  const hash = specHash(described);
  await handle.update((prev) => {
    const action = prev.action as unknown as { memo?: Record<string, unknown> };
    return { ...prev, action: { ...prev.action, memo: { ...(action.memo ?? {}), serverSpec: hash } } } as never;
  });
  return hash;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

/** gRPC status codes of a server too busy to answer: rate limiter, deadline, unavailable. */
const RESOURCE_EXHAUSTED = 8;
const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;

/** The gRPC status code of an error or of one of its causes. */
function grpcCode(err: unknown): number | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'number') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

/** Whether an error (or one of its causes) is the server's rate limiter refusing a request. */
export function isRateLimited(err: unknown): boolean {
  return grpcCode(err) === RESOURCE_EXHAUSTED;
}

/** An error's message with its cause's (`Failed to describe schedule: 4 DEADLINE_EXCEEDED: ...`). */
function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
  return cause && !message.includes(cause) ? `${message}: ${cause}` : message;
}

/**
 * Run `fn`, again after a pause when the server is too busy for it: rate
 * limited (RESOURCE_EXHAUSTED) and, for a call that may safely run twice,
 * also a deadline exceeded or unavailable (an overloaded server answers
 * schedule describes, which query the schedule's own workflow, that way).
 * The client already retries RESOURCE_EXHAUSTED and UNAVAILABLE for about
 * 35 s; one schedule must not fail a sync for a longer spell. Pauses of 2, 4,
 * 8, 16, 30, 30 s (with jitter, so the waiting callers spread out).
 */
async function retryBusy<T>(fn: () => Promise<T>, repeatable = true): Promise<T> {
  const pauses = [2_000, 4_000, 8_000, 16_000, 30_000, 30_000];
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const pause = pauses[attempt];
      const code = grpcCode(err);
      const busy = code === RESOURCE_EXHAUSTED || (repeatable && (code === DEADLINE_EXCEEDED || code === UNAVAILABLE));
      if (pause === undefined || !busy) throw err;
      await new Promise((r) => setTimeout(r, pause * (0.75 + Math.random() / 2)));
    }
  }
}

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

/** A schedule made before ownership marks, to re-create under this project's id and mark. */
interface Migration {
  fromId: string;
  paused: boolean;
  note?: string;
}

/** One planned step; `desired` and `migrate` are what applying it needs. */
export interface PlannedItem extends SyncItem {
  desired?: DesiredSchedule;
  migrate?: Migration;
}

/** What a sync would do; apply it with `applySync`, or show it (a dry run). */
export interface SyncPlan {
  project: string;
  environment: string | null;
  namespace: string;
  items: PlannedItem[];
  warnings: string[];
}

const ORDER: Record<SyncAction, number> = { error: 0, create: 1, update: 2, delete: 3, unchanged: 4 };

/**
 * The server's refusal of a schedule, said with its file and entry. Meltano's croniter takes cron forms
 * Temporal's parser does not (`L` in the day of month): the server refuses those schedules with INVALID_ARGUMENT.
 */
function refusalText(err: unknown, desired: DesiredSchedule | undefined): string {
  const message = (err as Error).message;
  // The SDK turns the server's INVALID_ARGUMENT for a spec into a TypeError holding the server's reason.
  const invalidArgument =
    err instanceof TypeError ||
    [err, (err as { cause?: unknown }).cause].some((e) => (e as { code?: unknown } | undefined)?.code === 3);
  if (!desired || !invalidArgument) return message;
  const { schedule } = desired;
  const what = desired.cron !== null ? `its cron '${desired.cron}'` : 'it';
  return (
    `${schedule.file}: schedule '${schedule.name}': the Temporal server refuses ${what}: ${message}` +
    (desired.cron !== null
      ? "\n  fix: Temporal's cron parser takes fewer forms than Meltano's croniter (no L for the last day of the month, for one): write the interval with numbers, names, ranges, lists and steps"
      : '')
  );
}

function errorItem(schedule: string, scheduleId: string, error: string): PlannedItem {
  return { action: 'error', schedule, scheduleId, changes: [], error, applied: false };
}

/** A schedule's wanted Temporal form and its sync hash, or why meltano.yml's entry has none. */
type WantedForm = { desired: DesiredSchedule; hash: string } | { error: string };

/**
 * The wanted form of each schedule, in slices that let the event loop run between them, so a
 * listing already asked for is read off the socket meanwhile.
 */
async function desiredSchedules(ctx: MappingContext, schedules: ScheduleDef[]): Promise<Map<ScheduleDef, WantedForm>> {
  const out = new Map<ScheduleDef, WantedForm>();
  for (const [i, schedule] of schedules.entries()) {
    if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    try {
      const desired = desiredSchedule(ctx, schedule);
      out.set(schedule, { desired, hash: syncHash(desired, ctx) });
    } catch (err) {
      out.set(schedule, { error: err instanceof UserError ? err.describe() : String(err) });
    }
  }
  return out;
}

/**
 * Compare meltano.yml with the server, changing nothing: one item per
 * schedule (create, update with its changes, unchanged, error) and, with
 * `prune`, one per managed schedule to delete.
 */
export async function planSync(client: Client, ctx: MappingContext, options: PlanOptions = {}): Promise<SyncPlan> {
  const { ScheduleNotFoundError } = clientSdk();
  const { project } = ctx;
  const items: PlannedItem[] = [];
  const wanted = (name: string): boolean => !options.only || options.only.includes(name);
  // Schedules that could not even be read from meltano.yml.
  for (const p of project.problems.filter((x) => x.kind === 'schedule' && wanted(x.name))) {
    items.push(errorItem(p.name, '', `${p.file}: ${p.message}`));
  }
  // Schedules made before ownership marks, by id: migrated when wanted, never pruned.
  const legacy = new Map<string, ScheduleSummary>();
  const ours: ScheduleSummary[] = [];
  const listed = new Map<string, ScheduleSummary>();
  // Every id on the server, whoever made it: one not listed needs no describe to be created.
  const anyOwner = new Set<string>();
  // An unchanged re-sync is mostly the server's time to list: start the listing, then work
  // out what meltano.yml wants while the server answers.
  const listing = retryBusy(async () => {
    legacy.clear();
    ours.length = 0;
    listed.clear();
    anyOwner.clear();
    for await (const summary of client.schedule.list()) {
      anyOwner.add(summary.scheduleId);
      const owner = ownership(summary.memo, ctx);
      if (owner === 'legacy') legacy.set(summary.scheduleId, summary);
      else if (owner === 'ours') {
        ours.push(summary);
        listed.set(summary.scheduleId, summary);
      }
    }
  });
  // Awaited below; until then a refusal must not count as an unhandled rejection.
  listing.catch(() => undefined);
  const desiredOf = await desiredSchedules(
    ctx,
    project.schedules.filter((s) => wanted(s.name)),
  );
  await listing;
  const migrated = new Set<string>();
  const migrationOf = (fromId: string): Migration | undefined => {
    const summary = legacy.get(fromId);
    if (!summary) return undefined;
    migrated.add(fromId);
    return {
      fromId,
      paused: summary.state.paused,
      ...(summary.state.note !== undefined ? { note: summary.state.note } : {}),
    };
  };
  await mapLimit([...desiredOf], options.concurrency ?? DEFAULT_SYNC_CONCURRENCY, async ([schedule, wantedForm]) => {
    if ('error' in wantedForm) {
      items.push(errorItem(schedule.name, '', wantedForm.error));
      return;
    }
    const { desired: d, hash: wantedHash } = wantedForm;
    try {
      const base0 = { schedule: schedule.name, scheduleId: d.id, applied: false, desired: d };
      // In step by the listing alone: our mark and the hash of what meltano.yml wants
      // (a hand edit in the UI keeps the hash: `verify` describes every schedule).
      if (!options.verify && listedHash(listed.get(d.id)) === wantedHash) {
        items.push({ ...base0, action: 'unchanged', changes: [] });
        return;
      }
      let current: ScheduleDescription | undefined;
      // Not in the listing: nothing to describe (a schedule the listing missed, being
      // created meanwhile, makes the create fail, and applySync looks at it then).
      if (options.verify || anyOwner.has(d.id)) {
        try {
          current = await retryBusy(() => client.schedule.getHandle(d.id).describe());
        } catch (err) {
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        }
      }
      const base = { schedule: schedule.name, scheduleId: d.id, applied: false, desired: d };
      const legacyId = scheduleId(ctx.legacyProjectKey, ctx.environment, schedule.name);
      if (!current) {
        const migrate = legacyId !== d.id ? migrationOf(legacyId) : undefined;
        items.push({
          ...base,
          action: 'create',
          changes: [
            `${d.summary.interval} (${d.summary.cron}), job ${d.job}`,
            ...(migrate
              ? [`replaces ${legacyId} (made under this project's earlier identity; paused state kept)`]
              : []),
          ],
          ...(migrate ? { migrate } : {}),
        });
        return;
      }
      const owner = ownership(current.memo, ctx);
      if (owner === 'other') {
        items.push(
          errorItem(
            schedule.name,
            d.id,
            `schedule ${d.id} belongs to another project (created ${ownerText(current.memo)}); left untouched. ` +
              `Give this project its own key: a project_id in meltano.yml or MELTANO_TEMPORAL_PROJECT`,
          ),
        );
      } else if (owner === 'legacy') {
        migrated.add(d.id);
        items.push({
          ...base,
          action: 'update',
          changes: ['ownership mark added (re-created; paused state kept)'],
          migrate: {
            fromId: d.id,
            paused: current.state.paused,
            ...(current.state.note !== undefined ? { note: current.state.note } : {}),
          },
        });
      } else {
        const changes = scheduleDrift(current, d);
        const hash = current.typedSearchAttributes.getAll().find((p) => p.key.name === SYNC_HASH_ATTRIBUTE)?.value;
        if (!changes.length && hash !== wantedHash) changes.push('sync hash recorded');
        items.push({ ...base, action: changes.length ? 'update' : 'unchanged', changes });
      }
    } catch (err) {
      items.push(errorItem(schedule.name, d.id, errorText(err)));
    }
  });
  if (options.prune && !options.only) {
    const keep = new Set(project.schedules.map((s) => s.name));
    for (const summary of ours) {
      const name = String(summary.memo?.schedule ?? '');
      if (keep.has(name)) continue;
      items.push({ action: 'delete', schedule: name, scheduleId: summary.scheduleId, changes: [], applied: false });
    }
    for (const [id, summary] of legacy) {
      if (migrated.has(id)) continue;
      const name = String(summary.memo?.schedule ?? '');
      items.push(
        errorItem(
          name,
          id,
          `not deleted: made before ownership marks or project_id for a project named '${ctx.legacyProjectKey}', so it may ` +
            `belong to another project in a directory of that name; if it is this project's, delete it with ` +
            `temporal schedule delete --schedule-id '${id}'`,
        ),
      );
    }
  }
  items.sort((a, b) => ORDER[a.action] - ORDER[b.action] || a.schedule.localeCompare(b.schedule));
  const desired = items.flatMap((i) => (i.desired ? [i.desired] : []));
  return {
    project: ctx.projectKey,
    environment: ctx.environment ?? null,
    namespace: client.options.namespace,
    items,
    warnings: options.only ? [] : simultaneousStarts(desired).map(simultaneousStartsWarning),
  };
}

export interface ApplyOptions {
  /** How many schedules are written at once (default DEFAULT_SYNC_CONCURRENCY). */
  concurrency?: number;
  /** Called as each item is done (applied, or failed). */
  onItem?: (item: SyncItem, done: number, total: number) => void;
}

/** The report of a plan, applied or not (a dry run): what `sync --format=json` prints. */
export function syncReport(plan: SyncPlan, items: SyncItem[], dryRun: boolean): SyncReport {
  const publicItems = items
    .map(({ action, schedule, scheduleId, changes, error, applied }) => ({
      action,
      schedule,
      scheduleId,
      changes,
      ...(error !== undefined ? { error } : {}),
      applied,
    }))
    .sort((a, b) => ORDER[a.action] - ORDER[b.action] || a.schedule.localeCompare(b.schedule));
  return {
    project: plan.project,
    environment: plan.environment,
    namespace: plan.namespace,
    dryRun,
    items: publicItems,
    ok: publicItems.every((i) => i.action !== 'error'),
    warnings: plan.warnings,
  };
}

/**
 * The server's compiled form of each distinct spec, learnt once per sync: the
 * first schedule of a spec writes it, records what the server made of it
 * (a describe and a second write), and the others with that spec wait for it
 * and carry it from their creation on, without a second write.
 */
class CompiledSpecs {
  private readonly known = new Map<string, Promise<string | undefined>>();

  /**
   * The compiled spec of `d` when known (after waiting for the schedule learning
   * it); else this caller learns it: `learn` after its write, `release` always.
   */
  async claim(d: DesiredSchedule): Promise<{
    known: string | undefined;
    learn: (handle: ScheduleHandle) => Promise<void>;
    release: () => void;
  }> {
    const key = specKey(d);
    const pending = this.known.get(key);
    const known = pending ? await pending : undefined;
    if (known) return { known, learn: async () => {}, release: () => {} };
    // Unknown, or its learner failed: learn it here (waiters of a failed learner record their own).
    let settle: ((hash: string | undefined) => void) | undefined;
    if (!pending) this.known.set(key, new Promise((resolve) => (settle = resolve)));
    return {
      known: undefined,
      learn: async (handle) => {
        const hash = await retryBusy(() => recordServerSpec(handle));
        settle?.(hash);
        settle = undefined;
      },
      release: () => {
        if (!settle) return;
        this.known.delete(key);
        settle(undefined);
      },
    };
  }
}

/**
 * Apply a plan: create, update and delete; an item that fails turns into an
 * error item and the others still apply.
 */
export async function applySync(
  client: Client,
  ctx: MappingContext,
  plan: SyncPlan,
  options: ApplyOptions = {},
): Promise<SyncReport> {
  const { ScheduleAlreadyRunning } = clientSdk();
  const specs = new CompiledSpecs();
  let done = 0;
  const total = plan.items.length;
  const concurrency = options.concurrency ?? DEFAULT_SYNC_CONCURRENCY;
  const results = await mapLimit(plan.items, concurrency, async (item): Promise<SyncItem> => {
    const d = item.desired;
    if ((item.action === 'create' || item.action === 'update') && !d)
      throw new InternalError(`sync plan: ${item.action} of '${item.schedule}' without its desired schedule`);
    let result: SyncItem = item;
    const spec = d && item.action !== 'delete' ? await specs.claim(d) : undefined;
    try {
      if (item.migrate && d) {
        // Re-create under this project's id and mark (the memo of a schedule cannot be
        // updated), keeping the operator's pause; a new id is created before the old is deleted.
        const options = await scheduleOptions(d, ctx, spec?.known);
        const state = item.migrate.note !== undefined ? { ...options.state, note: item.migrate.note } : options.state;
        const { fromId, paused } = item.migrate;
        const sameId = fromId === d.id;
        if (sameId) await retryBusy(() => client.schedule.getHandle(fromId).delete(), false);
        const created = await retryBusy(
          () => client.schedule.create({ ...options, state: { ...state, paused } }),
          false,
        );
        if (!sameId) await retryBusy(() => client.schedule.getHandle(fromId).delete(), false);
        await spec?.learn(created);
        result = { ...item, applied: true };
      } else if (item.action === 'create' && d) {
        const options = await scheduleOptions(d, ctx, spec?.known);
        let created: ScheduleHandle | undefined;
        try {
          created = await retryBusy(() => client.schedule.create(options));
        } catch (err) {
          if (!(err instanceof ScheduleAlreadyRunning)) throw err;
          // Planned from a listing that did not show it yet (a server whose visibility
          // lags, or another sync at the same time): in step if it is ours as wanted.
          const current = await retryBusy(() => client.schedule.getHandle(d.id).describe());
          const hash = current.typedSearchAttributes.getAll().find((p) => p.key.name === SYNC_HASH_ATTRIBUTE)?.value;
          if (ownership(current.memo, ctx) !== 'ours' || hash !== syncHash(d, ctx))
            throw new Error(
              `schedule ${d.id} appeared on the server after the listing this sync planned from; run sync again`,
            );
        }
        if (created) await spec?.learn(created);
        result = created ? { ...item, applied: true } : { ...item, action: 'unchanged', changes: [] };
      } else if (item.action === 'update' && d) {
        const next = await scheduleOptions(d, ctx, spec?.known);
        const handle = client.schedule.getHandle(d.id);
        await retryBusy(() =>
          handle.update(
            (prev) =>
              ({
                spec: next.spec,
                action: next.action,
                policies: next.policies,
                typedSearchAttributes: next.typedSearchAttributes,
                state: prev.state,
              }) as never,
          ),
        );
        await spec?.learn(handle);
        result = { ...item, applied: true };
      } else if (item.action === 'delete') {
        await retryBusy(() => client.schedule.getHandle(item.scheduleId).delete(), false);
        result = { ...item, applied: true };
      }
    } catch (err) {
      const address = (client.connection as { options?: { address?: string } }).options?.address ?? '';
      // A spec the server refuses is explained against meltano.yml; anything else in the server's words.
      const refused = refusalText(err, d);
      result = errorItem(
        item.schedule,
        item.scheduleId,
        refused !== (err as Error).message ? refused : failureText(err, client.options.namespace, address),
      );
    } finally {
      spec?.release();
    }
    options.onItem?.(result, ++done, total);
    return result;
  });
  return syncReport(plan, results, false);
}

/**
 * Delete the managed schedule of one meltano schedule (after `schedule remove`):
 * its id, else its id from before ownership marks.
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

/** Register our search attributes on the namespace when missing (operator API). */
export async function ensureSearchAttributes(client: Client): Promise<string[]> {
  const { temporal } = protoSdk();
  const namespace = client.options.namespace;
  const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = REGISTERED_SEARCH_ATTRIBUTES.filter((n) => !have.has(n));
  if (missing.length) {
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((n) => [n, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
      ),
    });
  }
  return missing;
}

const SYMBOL: Record<SyncAction, string> = { create: '+', update: '~', delete: '-', unchanged: '=', error: '!' };

export function formatSyncItem(item: SyncItem): string {
  const verb = item.action === 'error' ? 'error' : item.action;
  const head = `${SYMBOL[item.action]} ${verb} ${item.schedule}${item.scheduleId ? ` (${item.scheduleId})` : ''}`;
  if (item.action === 'error') return `${head}: ${item.error}`;
  if (item.action === 'update') return `${head}\n${item.changes.map((c) => `    ${c}`).join('\n')}`;
  if (item.action === 'create') return `${head}: ${item.changes.join(', ')}`;
  return head;
}
