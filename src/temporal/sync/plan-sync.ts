/**
 * Plan a sync against the server: one listing of the namespace's schedules,
 * the wanted form of each schedule in meltano.yml worked out while the
 * server answers, a describe of each schedule the listing cannot settle, and
 * then the pure planner (plan.ts). Nothing on the server is changed.
 */
import type { ScheduleDescription } from '@temporalio/client';
import type { ScheduleDef } from '../../project/model.js';
import { mapLimit } from '../../util/map-limit.js';
import type { MappingContext } from '../schedule-mapping.js';
import { clientSdk } from '../sdk.js';
import { DEFAULT_SYNC_CONCURRENCY } from '../sync-limits.js';
import { checkAfterGraph } from '../../project/after-graph.js';
import { retryBusy } from './busy-retry.js';
import { ownership } from './ownership.js';
import {
  makePlan,
  toDescribe,
  wantedForm,
  wantedSchedules,
  type DescribeFailure,
  type PlanOptions,
  type ServerListing,
  type SyncPlan,
  type WantedForm,
} from './plan.js';
import type { SyncServer } from './server.js';

/** One paged listing, sorted by ownership; retried whole when the server is busy (a page cannot be resumed). */
function listSchedules(server: SyncServer, ctx: MappingContext): Promise<ServerListing> {
  return retryBusy(async () => {
    const listing: ServerListing = { ours: new Map(), legacy: new Map(), ids: new Set() };
    for await (const summary of server.schedules.list()) {
      listing.ids.add(summary.scheduleId);
      const owner = ownership(summary.memo, ctx);
      if (owner === 'ours') listing.ours.set(summary.scheduleId, summary);
      else if (owner === 'legacy') listing.legacy.set(summary.scheduleId, summary);
    }
    return listing;
  });
}

/**
 * The wanted form of each schedule, in slices that let the event loop run between them, so a
 * listing already asked for is read off the socket meanwhile.
 */
async function wantedForms(ctx: MappingContext, schedules: ScheduleDef[]): Promise<WantedForm[]> {
  const out: WantedForm[] = [];
  for (const [i, schedule] of schedules.entries()) {
    if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    out.push(wantedForm(ctx, schedule));
  }
  return out;
}

/** An error's message with its cause's (`Failed to describe schedule: 4 DEADLINE_EXCEEDED: ...`). */
function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
  return cause && !message.includes(cause) ? `${message}: ${cause}` : message;
}

/** Describe each id, `concurrency` at a time; one the server does not have is left out. */
async function describeAll(
  server: SyncServer,
  ids: string[],
  concurrency: number,
): Promise<Map<string, ScheduleDescription | DescribeFailure>> {
  const { ScheduleNotFoundError } = clientSdk();
  const out = new Map<string, ScheduleDescription | DescribeFailure>();
  await mapLimit(ids, concurrency, async (id) => {
    try {
      out.set(id, await retryBusy(() => server.schedules.getHandle(id).describe()));
    } catch (err) {
      // Another schedule's trouble is not this one's: it becomes this schedule's error item.
      if (!(err instanceof ScheduleNotFoundError)) out.set(id, { failed: errorText(err) });
    }
  });
  return out;
}

/**
 * Compare meltano.yml with the server, changing nothing: one item per
 * schedule (create, update with its changes, unchanged, error) and, with
 * `prune`, one per managed schedule to delete.
 */
export async function planSync(server: SyncServer, ctx: MappingContext, options: PlanOptions = {}): Promise<SyncPlan> {
  // An unknown name or a cycle in `after` is the whole project's error: refused before the server is asked.
  checkAfterGraph(ctx.project);
  // An unchanged re-sync is mostly the server's time to list: start the listing, then work
  // out what meltano.yml wants while the server answers.
  const listing = listSchedules(server, ctx);
  // Awaited below; until then a refusal must not count as an unhandled rejection.
  listing.catch(() => undefined);
  const wanted = await wantedForms(ctx, wantedSchedules(ctx.project, options));
  const listed = await listing;
  const ids = toDescribe(wanted, listed, options);
  const described = await describeAll(server, ids, options.concurrency ?? DEFAULT_SYNC_CONCURRENCY);
  return makePlan({ ctx, namespace: server.namespace, wanted, listing: listed, described, options });
}
