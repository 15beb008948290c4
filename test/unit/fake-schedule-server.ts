/**
 * An in-memory stand-in for a namespace's schedules, for unit tests of sync's
 * planning and applying logic only (the real-server behaviour is proven in
 * test/integration/sync-*.test.ts and schedules.test.ts). It keeps what the
 * server keeps and changes what the server changes: a cron comes back
 * compiled to calendars, durations as milliseconds, memos and arguments
 * through JSON, the schedule's memo never updated; a create at a taken id
 * throws ScheduleAlreadyRunning and a call on a missing one
 * ScheduleNotFoundError, the SDK's own classes.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type CalendarSpecDescription,
  type ScheduleDescription,
  type ScheduleOptions,
  type ScheduleSpec,
  type ScheduleSpecDescription,
  type ScheduleSummary,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import { TypedSearchAttributes, type Duration, type SearchAttributePair } from '@temporalio/common';
import { durationMs } from '../../src/util/duration.js';
import type { SyncScheduleHandle, SyncSchedules, SyncServer } from '../../src/temporal/sync/server.js';

export type Op = 'list' | 'describe' | 'create' | 'update' | 'delete';
export interface Call {
  op: Op;
  id?: string;
}

const ms = (d: Duration | undefined): number | undefined =>
  d === undefined ? undefined : typeof d === 'number' ? d : durationMs(d);

/** What the server makes of a spec: crons become calendars (one per cron here, named by it). */
function compileSpec(spec: ScheduleSpec | ScheduleSpecDescription): ScheduleSpecDescription {
  const calendars: CalendarSpecDescription[] = [
    ...(('calendars' in spec ? spec.calendars : undefined) ?? []).map((c) => ({ ...(c as CalendarSpecDescription) })),
    ...(('cronExpressions' in spec ? spec.cronExpressions : undefined) ?? []).map((cron) => ({
      second: [],
      minute: [],
      hour: [],
      dayOfMonth: [],
      month: [],
      year: [],
      dayOfWeek: [],
      comment: cron,
    })),
  ];
  const jitter = ms(spec.jitter);
  return {
    ...(calendars.length ? { calendars } : {}),
    ...(spec.timezone ? { timezone: spec.timezone } : {}),
    ...(jitter !== undefined ? { jitter } : {}),
  };
}

const viaJson = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

const attributes = (given: SearchAttributePair[] | TypedSearchAttributes | undefined) =>
  new TypedSearchAttributes(Array.isArray(given) ? given : (given?.getAll() ?? []));

export class FakeScheduleServer implements SyncSchedules {
  readonly stored = new Map<string, ScheduleDescription>();
  readonly calls: Call[] = [];
  /** Ids the listing does not show yet: a server whose visibility store lags, or a create by someone else. */
  readonly unlisted = new Set<string>();
  /** The most calls that were in flight at once. */
  maxInFlight = 0;
  private inFlight = 0;
  private readonly failures: Array<{ op: Op; id: string | undefined; err: Error }> = [];

  /** The next `op` on `id` (any id when undefined) throws `err`, once. */
  failNext(op: Op, id: string | undefined, err: Error): void {
    this.failures.push({ op, id, err });
  }

  /** The server as sync takes it. */
  server(): SyncServer {
    return { schedules: this, namespace: 'unit', address: 'fake:7233' };
  }

  writes(): Call[] {
    return this.calls.filter((c) => c.op === 'create' || c.op === 'update' || c.op === 'delete');
  }

  private async call<T>(op: Op, id: string | undefined, fn: () => T): Promise<T> {
    this.calls.push(id === undefined ? { op } : { op, id });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // A round trip: other callers run meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
      const i = this.failures.findIndex((f) => f.op === op && (f.id === undefined || f.id === id));
      if (i >= 0) throw this.failures.splice(i, 1)[0]?.err;
      return fn();
    } finally {
      this.inFlight--;
    }
  }

  private get(id: string): ScheduleDescription {
    const found = this.stored.get(id);
    if (!found) throw new ScheduleNotFoundError(`Schedule not found: ${id}`, id);
    return found;
  }

  /** Write `options` as the server would hold them (memo only at creation). */
  private hold(id: string, options: ScheduleUpdateOptions, memo: Record<string, unknown> | undefined): void {
    const { action } = options;
    // The SDK types an update's state as Omit<... | undefined, ...>, which keeps none of its keys.
    const state = options.state as { paused?: boolean; note?: string };
    this.stored.set(id, {
      scheduleId: id,
      spec: compileSpec(options.spec),
      action: {
        type: 'startWorkflow',
        workflowType: typeof action.workflowType === 'string' ? action.workflowType : action.workflowType.name,
        taskQueue: action.taskQueue,
        workflowId: action.workflowId ?? `${id}-workflow`,
        args: viaJson(action.args ?? []),
        memo: viaJson(action.memo),
        typedSearchAttributes: attributes(action.typedSearchAttributes),
        ...(action.staticSummary !== undefined ? { staticSummary: action.staticSummary } : {}),
        ...(action.staticDetails !== undefined ? { staticDetails: action.staticDetails } : {}),
      },
      policies: {
        overlap: options.policies?.overlap ?? 'SKIP',
        catchupWindow: ms(options.policies?.catchupWindow) ?? 365 * 86_400_000,
        pauseOnFailure: options.policies?.pauseOnFailure ?? false,
      },
      ...(memo !== undefined ? { memo: viaJson(memo) } : {}),
      searchAttributes: {},
      typedSearchAttributes: attributes(options.typedSearchAttributes),
      state: {
        paused: state.paused ?? false,
        ...(state.note !== undefined ? { note: state.note } : {}),
      },
      info: {
        recentActions: [],
        nextActionTimes: [],
        numActionsTaken: 0,
        numActionsMissedCatchupWindow: 0,
        numActionsSkippedOverlap: 0,
        createdAt: new Date(0),
        lastUpdatedAt: undefined,
        runningActions: [],
      },
      raw: {},
    });
  }

  async *list(): AsyncIterable<ScheduleSummary> {
    const summaries = await this.call('list', undefined, () =>
      [...this.stored.values()]
        .filter((d) => !this.unlisted.has(d.scheduleId))
        .map((d): ScheduleSummary => ({
          scheduleId: d.scheduleId,
          spec: d.spec,
          action: { type: 'startWorkflow', workflowType: d.action.workflowType },
          ...(d.memo !== undefined ? { memo: d.memo } : {}),
          typedSearchAttributes: d.typedSearchAttributes,
          state: { paused: d.state.paused, ...(d.state.note !== undefined ? { note: d.state.note } : {}) },
          info: { recentActions: [], nextActionTimes: [] },
        })),
    );
    yield* summaries;
  }

  async create(options: ScheduleOptions): Promise<SyncScheduleHandle> {
    const id = options.scheduleId;
    await this.call('create', id, () => {
      if (this.stored.has(id)) throw new ScheduleAlreadyRunning('Schedule already exists and is running', id);
      this.hold(id, { ...options, state: options.state ?? {} }, options.memo);
    });
    return this.getHandle(id);
  }

  getHandle(id: string): SyncScheduleHandle {
    return {
      describe: () => this.call('describe', id, () => structuredCloneDescription(this.get(id))),
      update: (fn) =>
        this.call('update', id, () => {
          const current = this.get(id);
          this.hold(id, fn(structuredCloneDescription(current)), current.memo);
        }),
      delete: () =>
        this.call('delete', id, () => {
          this.get(id);
          this.stored.delete(id);
        }),
    };
  }
}

/** A copy the caller may change without changing the stored schedule (as a describe over the wire). */
function structuredCloneDescription(d: ScheduleDescription): ScheduleDescription {
  return {
    ...d,
    spec: viaJson(d.spec),
    action: {
      ...d.action,
      args: viaJson(d.action.args),
      memo: viaJson(d.action.memo),
      typedSearchAttributes: attributes(d.action.typedSearchAttributes),
    },
    policies: { ...d.policies },
    memo: viaJson(d.memo),
    typedSearchAttributes: attributes(d.typedSearchAttributes),
    state: { ...d.state },
  };
}
