/**
 * Applying a sync plan on an in-memory namespace (the real server is in
 * test/integration/sync-*.test.ts): creates learn each distinct compiled
 * spec once, updates keep the operator's pause, migrations create before
 * they delete, a schedule already there when the plan was made from a
 * lagging listing, refusals and failures as error items, bounded concurrency.
 */
import { describe, expect, it } from 'vitest';
import { InternalError } from '../../src/errors.js';
import { scheduleId, type MappingContext } from '../../src/temporal/schedule-mapping.js';
import { applySync } from '../../src/temporal/sync/apply.js';
import { planSync } from '../../src/temporal/sync/plan-sync.js';
import type { PlanOptions } from '../../src/temporal/sync/plan.js';
import { syncReport } from '../../src/temporal/sync/report.js';
import { FakeScheduleServer } from './fake-schedule-server.js';
import { context, earlierSchedule, entries, foreignSchedule, project, PROJECT_ID } from './sync-fixtures.js';

const idOf = (ctx: MappingContext, name: string) => scheduleId(ctx.projectKey, 'dev', name);

async function sync(
  fake: FakeScheduleServer,
  ctx: MappingContext,
  options: PlanOptions & { concurrency?: number } = {},
) {
  const plan = await planSync(fake.server(), ctx, options);
  return applySync(fake.server(), ctx, plan, options);
}

function stored(fake: FakeScheduleServer, id: string) {
  const found = fake.stored.get(id);
  if (!found) throw new Error(`${id} is not on the server`);
  return found;
}

const serverSpecOf = (fake: FakeScheduleServer, id: string) =>
  (stored(fake, id).action.memo as { serverSpec?: string } | undefined)?.serverSpec;

describe('a first sync', () => {
  it('creates every schedule and learns each distinct compiled spec once: one describe and update per spec', async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries({ a1: '@daily', a2: '@daily', a3: '@daily', b1: '@hourly', b2: '@hourly' })));
    const report = await sync(fake, ctx);
    expect(report).toMatchObject({ ok: true, dryRun: false, namespace: 'unit', project: ctx.projectKey });
    expect(report.items.map((i) => [i.schedule, i.action, i.applied])).toEqual(
      ['a1', 'a2', 'a3', 'b1', 'b2'].map((n) => [n, 'create', true]),
    );
    const writes = fake.writes();
    expect(writes.filter((c) => c.op === 'create')).toHaveLength(5);
    expect(writes.filter((c) => c.op === 'update')).toHaveLength(2);
    expect(fake.calls.filter((c) => c.op === 'describe')).toHaveLength(2);
    // Every schedule carries its compiled spec, learnt or handed over; same spec, same hash.
    const hashes = ['a1', 'a2', 'a3', 'b1', 'b2'].map((n) => serverSpecOf(fake, idOf(ctx, n)));
    expect(hashes.every((h) => typeof h === 'string' && /^[0-9a-f]{16}$/u.test(h))).toBe(true);
    expect(new Set(hashes.slice(0, 3)).size).toBe(1);
    expect(hashes[3]).toBe(hashes[4]);
    expect(hashes[0]).not.toBe(hashes[3]);
    // The schedule carries the ownership mark and its settings.
    const a1 = stored(fake, idOf(ctx, 'a1'));
    expect(a1.memo).toEqual({
      managedBy: 'meltano-temporal',
      project: ctx.projectKey,
      projectId: PROJECT_ID,
      environment: 'dev',
      schedule: 'a1',
    });
    expect(a1.policies).toEqual({ overlap: 'SKIP', catchupWindow: 300_000, pauseOnFailure: false });
    expect(a1.action).toMatchObject({ workflowType: 'meltanoJob', taskQueue: 'meltano', workflowId: idOf(ctx, 'a1') });
    expect(a1.state).toEqual({ paused: false, note: 'managed by meltano-temporal from meltano.yml (meltano.yml)' });
  });

  it('a re-sync writes nothing, and --verify finds every learnt spec in step', async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries({ a1: '@daily', a2: '@daily', b1: '@hourly' })));
    await sync(fake, ctx);
    fake.calls.length = 0;
    for (const verify of [false, true]) {
      const report = await sync(fake, ctx, { verify });
      expect(report.items.map((i) => i.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    }
    expect(fake.writes()).toEqual([]);
  });

  it('annotations reach the server: jitter and catch-up window as milliseconds, overlap as the SDK names it', async () => {
    const fake = new FakeScheduleServer();
    const annotated =
      '  annotations:\n    temporal:\n      jitter: 90s\n      catchup_window: 1.5h\n      overlap: buffer_one\n      timezone: Europe/Paris\n      paused: true\n';
    const ctx = context(project(entries({ s1: '@daily' }, annotated)));
    await sync(fake, ctx);
    const s1 = stored(fake, idOf(ctx, 's1'));
    expect(s1.spec).toMatchObject({ jitter: 90_000, timezone: 'Europe/Paris' });
    expect(s1.policies).toMatchObject({ overlap: 'BUFFER_ONE', catchupWindow: 5_400_000 });
    expect(s1.state.paused).toBe(true);
  });
});

describe('updates', () => {
  it("keep the operator's pause and note, and put a hand edit back", async () => {
    const fake = new FakeScheduleServer();
    await sync(fake, context(project(entries({ s1: '@daily' }))));
    const ctx = context(project(entries({ s1: '@hourly' })));
    const s1 = stored(fake, idOf(ctx, 's1'));
    s1.state = { paused: true, note: 'paused by ops' };
    s1.policies.overlap = 'ALLOW_ALL';
    const memoBefore = s1.memo;
    const report = await sync(fake, ctx);
    expect(report.items[0]).toMatchObject({ action: 'update', applied: true });
    const after = stored(fake, idOf(ctx, 's1'));
    expect(after.state).toEqual({ paused: true, note: 'paused by ops' });
    expect(after.policies.overlap).toBe('SKIP');
    expect(after.spec.calendars?.map((c) => c.comment)).toEqual(['0 * * * *']);
    expect(after.memo).toEqual(memoBefore);
    expect((await sync(fake, ctx)).items[0]?.action).toBe('unchanged');
  });
});

describe('migrations', () => {
  it('to a new id: the new schedule is created before the old one is deleted, pause and note kept', async () => {
    const fake = new FakeScheduleServer();
    const legacyId = await earlierSchedule(fake, 's1', { paused: true, note: 'paused by ops' });
    fake.calls.length = 0;
    const ctx = context(project(entries({ s1: '@daily' })));
    const report = await sync(fake, ctx);
    expect(report.items[0]).toMatchObject({ action: 'create', applied: true });
    const writes = fake.writes().map((c) => `${c.op} ${c.id}`);
    expect(writes.indexOf(`create ${idOf(ctx, 's1')}`)).toBeLessThan(writes.indexOf(`delete ${legacyId}`));
    expect(fake.stored.has(legacyId)).toBe(false);
    const moved = stored(fake, idOf(ctx, 's1'));
    expect(moved.state).toEqual({ paused: true, note: 'paused by ops' });
    expect(moved.memo).toMatchObject({ projectId: PROJECT_ID, project: ctx.projectKey });
  });

  it('when the new schedule cannot be created, the old one stays', async () => {
    const fake = new FakeScheduleServer();
    const legacyId = await earlierSchedule(fake, 's1');
    const ctx = context(project(entries({ s1: '@daily' })));
    fake.failNext('create', idOf(ctx, 's1'), Object.assign(new Error('13 INTERNAL: disk full'), { code: 13 }));
    const report = await sync(fake, ctx);
    expect(report.ok).toBe(false);
    expect(report.items[0]).toMatchObject({ action: 'error', applied: false, error: '13 INTERNAL: disk full' });
    expect(fake.stored.has(legacyId)).toBe(true);
    expect(fake.stored.has(idOf(ctx, 's1'))).toBe(false);
  });

  it('at the same id: deleted, then created with the mark, pause kept', async () => {
    const fake = new FakeScheduleServer();
    const id = await earlierSchedule(fake, 's1', { paused: true });
    fake.calls.length = 0;
    const ctx = context(project(entries({ s1: '@daily' }), null));
    const report = await sync(fake, ctx);
    expect(report.items[0]).toMatchObject({ action: 'update', applied: true });
    expect(fake.writes().slice(0, 2)).toEqual([
      { op: 'delete', id },
      { op: 'create', id },
    ]);
    expect(stored(fake, id).memo).toMatchObject({ projectId: 'dir:shop' });
    expect(stored(fake, id).state.paused).toBe(true);
  });
});

describe('a schedule that appears between the listing and the create', () => {
  it('made meanwhile by another sync as wanted: unchanged, not an error', async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries({ s1: '@daily' })));
    const plan = await planSync(fake.server(), ctx);
    await sync(fake, ctx);
    const report = await applySync(fake.server(), ctx, plan);
    expect(report.items[0]).toMatchObject({ action: 'unchanged', applied: false, changes: [] });
    expect(report.ok).toBe(true);
  });

  it('not shown by a lagging listing, and someone else’s: an error that says to sync again; it is left alone', async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries({ s1: '@daily' })));
    await foreignSchedule(fake, idOf(ctx, 's1'));
    fake.unlisted.add(idOf(ctx, 's1'));
    const plan = await planSync(fake.server(), ctx);
    expect(plan.items[0]?.action).toBe('create');
    fake.calls.length = 0;
    const report = await applySync(fake.server(), ctx, plan);
    expect(report.items[0]).toMatchObject({
      action: 'error',
      error: `schedule ${idOf(ctx, 's1')} appeared on the server after the listing this sync planned from; run sync again`,
    });
    expect(fake.writes()).toEqual([{ op: 'create', id: idOf(ctx, 's1') }]);
    expect(stored(fake, idOf(ctx, 's1')).action.workflowType).toBe('otherWorkflow');
  });
});

describe('failures', () => {
  it("a spec the server refuses is explained against meltano.yml's entry with the fix; the others still apply", async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries({ last: '0 0 L * *', ok: '@daily' })));
    // The SDK turns the server's INVALID_ARGUMENT for a spec into a TypeError.
    fake.failNext('create', idOf(ctx, 'last'), new TypeError('Invalid cron expression: L is not supported'));
    const report = await sync(fake, ctx);
    expect(report.items.map((i) => [i.schedule, i.action])).toEqual([
      ['last', 'error'],
      ['ok', 'create'],
    ]);
    expect(report.items[0]?.error).toBe(
      "meltano.yml: schedule 'last': the Temporal server refuses its cron '0 0 L * *': Invalid cron expression: L is not supported\n" +
        "  fix: Temporal's cron parser takes fewer forms than Meltano's croniter (no L for the last day of the month, for one): write the interval with numbers, names, ranges, lists and steps",
    );
  });

  it("any other failure is said in the server's words", async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries({ s1: '@daily' })));
    const grpc = Object.assign(new Error('13 INTERNAL: shard unavailable'), { code: 13, details: 'shard unavailable' });
    fake.failNext('create', idOf(ctx, 's1'), new Error('Failed to create schedule', { cause: grpc }));
    const report = await sync(fake, ctx);
    expect(report.items[0]?.error).toBe('Failed to create schedule: shard unavailable');
  });

  it('when the first writer of a spec fails, the next one learns it and hands it on to the rest', async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries({ s1: '@daily', s2: '@daily', s3: '@daily' })));
    fake.failNext('create', idOf(ctx, 's1'), Object.assign(new Error('13 INTERNAL'), { code: 13 }));
    const report = await sync(fake, ctx, { concurrency: 1 });
    expect(report.items.map((i) => [i.schedule, i.action])).toEqual([
      ['s1', 'error'],
      ['s2', 'create'],
      ['s3', 'create'],
    ]);
    expect(fake.calls.filter((c) => c.op === 'describe' || c.op === 'update')).toEqual([
      { op: 'describe', id: idOf(ctx, 's2') },
      { op: 'update', id: idOf(ctx, 's2') },
    ]);
    expect(serverSpecOf(fake, idOf(ctx, 's3'))).toBe(serverSpecOf(fake, idOf(ctx, 's2')));
    expect(serverSpecOf(fake, idOf(ctx, 's2'))).toMatch(/^[0-9a-f]{16}$/u);
  });

  it('a create or update planned without its desired schedule is a bug, not an error item', async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries({ s1: '@daily' })));
    const plan = await planSync(fake.server(), ctx);
    const broken = { ...plan, items: plan.items.map(({ desired: _desired, ...rest }) => rest) };
    await expect(applySync(fake.server(), ctx, broken)).rejects.toBeInstanceOf(InternalError);
  });
});

describe('prune and concurrency', () => {
  it('a planned delete removes the schedule', async () => {
    const fake = new FakeScheduleServer();
    await sync(fake, context(project(entries({ keep: '@daily', gone: '@daily' }))));
    const ctx = context(project(entries({ keep: '@daily' })));
    const report = await sync(fake, ctx, { prune: true });
    expect(report.items.map((i) => [i.schedule, i.action, i.applied])).toEqual([
      ['gone', 'delete', true],
      ['keep', 'unchanged', false],
    ]);
    expect([...fake.stored.keys()]).toEqual([idOf(ctx, 'keep')]);
  });

  it('at most `concurrency` calls at once; each item reported as it is done', async () => {
    const fake = new FakeScheduleServer();
    const names = Array.from({ length: 40 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const ctx = context(project(entries(Object.fromEntries(names.map((n, i) => [n, i % 2 ? '@daily' : '@hourly'])))));
    const plan = await planSync(fake.server(), ctx);
    const seen: Array<[number, number]> = [];
    const report = await applySync(fake.server(), ctx, plan, {
      concurrency: 4,
      onItem: (_item, done, total) => seen.push([done, total]),
    });
    expect(report.ok).toBe(true);
    expect(fake.stored.size).toBe(40);
    expect(fake.maxInFlight).toBe(4);
    expect(seen).toEqual(names.map((_, i) => [i + 1, 40]));
  });

  it('a dry-run report is the plan with public fields only, nothing applied', async () => {
    const fake = new FakeScheduleServer();
    const legacyId = await earlierSchedule(fake, 's1');
    const ctx = context(project(entries({ s1: '@daily' })));
    const plan = await planSync(fake.server(), ctx);
    const report = syncReport(plan, plan.items, true);
    expect(report).toEqual({
      project: ctx.projectKey,
      environment: 'dev',
      namespace: 'unit',
      dryRun: true,
      ok: true,
      warnings: [],
      items: [
        {
          action: 'create',
          schedule: 's1',
          scheduleId: idOf(ctx, 's1'),
          changes: [
            '@daily (0 0 * * *), job el',
            `replaces ${legacyId} (made under this project's earlier identity; paused state kept)`,
          ],
          applied: false,
        },
      ],
    });
  });
});
