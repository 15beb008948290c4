/**
 * Carry out a sync plan on the server: create, update, re-create (migrate)
 * and delete, `concurrency` schedules at a time, each call retried while the
 * server is too busy. An item that fails becomes an error item with the
 * server's words or, for a spec the server refuses, meltano.yml's entry and
 * the fix; the others still apply.
 */
import { InternalError } from '../../errors.js';
import { mapLimit } from '../../util/map-limit.js';
import { GrpcStatus } from '../grpc-status.js';
import {
  scheduleOptions,
  scheduleUpdate,
  syncHash,
  type DesiredSchedule,
  type MappingContext,
} from '../schedule-mapping.js';
import { clientSdk } from '../sdk.js';
import { failureText } from '../server-errors.js';
import { DEFAULT_SYNC_CONCURRENCY } from '../sync-limits.js';
import { retryBusy } from './busy-retry.js';
import { CompiledSpecs, type SpecClaim } from './compiled-specs.js';
import { carriedHash } from './drift.js';
import { ownership } from './ownership.js';
import type { Migration, PlannedItem, SyncPlan } from './plan.js';
import { errorItem, syncReport, type SyncItem, type SyncReport } from './report.js';
import type { SyncScheduleHandle, SyncServer } from './server.js';

export interface ApplyOptions {
  /** How many schedules are written at once (default DEFAULT_SYNC_CONCURRENCY). */
  concurrency?: number;
  /** Called as each item is done (applied, or failed). */
  onItem?: (item: SyncItem, done: number, total: number) => void;
}

/** A call whose second run would fail where its first succeeded: only a rate-limit refusal is retried. */
const NOT_REPEATABLE = { repeatable: false };

/**
 * Re-create under this project's id and mark (the memo of a schedule cannot be updated),
 * keeping the operator's pause and note. A new id is created before the old one is deleted,
 * so a failure in between leaves the schedule running, twice rather than not at all.
 */
async function migrate(server: SyncServer, ctx: MappingContext, d: DesiredSchedule, m: Migration, spec: SpecClaim) {
  const options = scheduleOptions(d, ctx, spec.known);
  const state = { ...options.state, ...(m.note !== undefined ? { note: m.note } : {}), paused: m.paused };
  const sameId = m.fromId === d.id;
  if (sameId) await retryBusy(() => server.schedules.getHandle(m.fromId).delete(), NOT_REPEATABLE);
  const created = await retryBusy(() => server.schedules.create({ ...options, state }), NOT_REPEATABLE);
  if (!sameId) await retryBusy(() => server.schedules.getHandle(m.fromId).delete(), NOT_REPEATABLE);
  await spec.learn(created);
}

/**
 * Create `d`; false when the server already had it, ours and as wanted. It was
 * planned from a listing that did not show it yet (a server whose visibility
 * lags, or another sync at the same time); any other schedule at its id is an error.
 */
async function create(server: SyncServer, ctx: MappingContext, d: DesiredSchedule, spec: SpecClaim): Promise<boolean> {
  const { ScheduleAlreadyRunning } = clientSdk();
  let created: SyncScheduleHandle;
  try {
    // Repeatable: a create that happened but timed out comes back as ScheduleAlreadyRunning, handled below.
    created = await retryBusy(() => server.schedules.create(scheduleOptions(d, ctx, spec.known)));
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const current = await retryBusy(() => server.schedules.getHandle(d.id).describe());
    if (ownership(current.memo, ctx) === 'ours' && carriedHash(current) === syncHash(d, ctx)) return false;
    throw new Error(`schedule ${d.id} appeared on the server after the listing this sync planned from; run sync again`);
  }
  await spec.learn(created);
  return true;
}

async function update(server: SyncServer, ctx: MappingContext, d: DesiredSchedule, spec: SpecClaim) {
  const next = scheduleOptions(d, ctx, spec.known);
  const handle = server.schedules.getHandle(d.id);
  await retryBusy(() => handle.update((current) => scheduleUpdate(next, current)));
  await spec.learn(handle);
}

/**
 * The server's refusal of a schedule, said with its file and entry. Meltano's croniter takes cron forms
 * Temporal's parser does not (`L` in the day of month): the server refuses those schedules with INVALID_ARGUMENT.
 * Undefined for any other failure.
 */
function refusalText(err: unknown, desired: DesiredSchedule | undefined): string | undefined {
  // The SDK turns the server's INVALID_ARGUMENT for a spec into a TypeError holding the server's reason.
  const invalidArgument =
    err instanceof TypeError ||
    [err, (err as { cause?: unknown }).cause].some(
      (e) => (e as { code?: unknown } | undefined)?.code === GrpcStatus.INVALID_ARGUMENT,
    );
  if (!desired || !invalidArgument) return undefined;
  const { schedule } = desired;
  const what = desired.cron !== null ? `its cron '${desired.cron}'` : 'it';
  return (
    `${schedule.file}: schedule '${schedule.name}': the Temporal server refuses ${what}: ${(err as Error).message}` +
    (desired.cron !== null
      ? "\n  fix: Temporal's cron parser takes fewer forms than Meltano's croniter (no L for the last day of the month, for one): write the interval with numbers, names, ranges, lists and steps"
      : '')
  );
}

/** Write `d` as the item says; false when the server had it as wanted already. */
async function write(server: SyncServer, ctx: MappingContext, item: PlannedItem, d: DesiredSchedule, spec: SpecClaim) {
  if (item.migrate) await migrate(server, ctx, d, item.migrate, spec);
  else if (item.action === 'create') return create(server, ctx, d, spec);
  else await update(server, ctx, d, spec);
  return true;
}

/** Apply one item; what it became (applied, unchanged after all, or an error). */
async function applyItem(
  server: SyncServer,
  ctx: MappingContext,
  item: PlannedItem,
  specs: CompiledSpecs,
): Promise<SyncItem> {
  if (item.action === 'unchanged' || item.action === 'skip' || item.action === 'error') return item;
  const d = item.desired;
  if (item.action !== 'delete' && !d)
    throw new InternalError(`sync plan: ${item.action} of '${item.schedule}' without its desired schedule`);
  const spec = item.action !== 'delete' && d ? await specs.claim(d) : undefined;
  try {
    let written = true;
    if (spec && d) written = await write(server, ctx, item, d, spec);
    else await retryBusy(() => server.schedules.getHandle(item.scheduleId).delete(), NOT_REPEATABLE);
    return written ? { ...item, applied: true } : { ...item, action: 'unchanged', changes: [] };
  } catch (err) {
    // A spec the server refuses is explained against meltano.yml; anything else in the server's words.
    const error = refusalText(err, d) ?? failureText(err, server.namespace, server.address);
    return errorItem(item.schedule, item.scheduleId, error);
  } finally {
    spec?.release();
  }
}

/**
 * Apply a plan: create, update and delete; an item that fails turns into an
 * error item and the others still apply.
 */
export async function applySync(
  server: SyncServer,
  ctx: MappingContext,
  plan: SyncPlan,
  options: ApplyOptions = {},
): Promise<SyncReport> {
  const specs = new CompiledSpecs();
  let done = 0;
  const total = plan.items.length;
  const results = await mapLimit(plan.items, options.concurrency ?? DEFAULT_SYNC_CONCURRENCY, async (item) => {
    const result = await applyItem(server, ctx, item, specs);
    options.onItem?.(result, ++done, total);
    return result;
  });
  return syncReport(plan, results, false);
}
