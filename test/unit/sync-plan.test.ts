/**
 * The sync planner: what a sync would do, from meltano.yml and the server's
 * schedules (an in-memory namespace; the real server is in
 * test/integration/sync-*.test.ts). Whose schedules are touched, the hash
 * fast path, drift found by describing, migrations, prune, broken entries.
 */
import { describe, expect, it } from 'vitest';
import { TypedSearchAttributes } from '@temporalio/common';
import { projectOwner, scheduleId, type MappingContext } from '../../src/temporal/schedule-mapping.js';
import { applySync } from '../../src/temporal/sync/apply.js';
import { ownership } from '../../src/temporal/sync/ownership.js';
import { planSync } from '../../src/temporal/sync/plan-sync.js';
import {
  toDescribe,
  wantedForm,
  wantedSchedules,
  type PlanOptions,
  type ServerListing,
  type SyncPlan,
} from '../../src/temporal/sync/plan.js';
import { FakeScheduleServer } from './fake-schedule-server.js';
import { context, earlierSchedule, entries, foreignSchedule, project, PROJECT_ID, ROOT } from './sync-fixtures.js';

const THREE = { s1: '@daily', s2: '@daily', s3: '@hourly' };

const plan = (fake: FakeScheduleServer, ctx: MappingContext, options: PlanOptions = {}) =>
  planSync(fake.server(), ctx, options);

/** Plan and apply, then forget the calls that made. */
async function synced(fake: FakeScheduleServer, ctx: MappingContext): Promise<void> {
  const report = await applySync(fake.server(), ctx, await plan(fake, ctx));
  expect(report.ok, JSON.stringify(report.items)).toBe(true);
  fake.calls.length = 0;
}

const actions = (p: SyncPlan) => p.items.map((i) => [i.schedule, i.action]);
const item = (p: SyncPlan, schedule: string) => p.items.find((i) => i.schedule === schedule);
const ops = (fake: FakeScheduleServer) => fake.calls.map((c) => (c.id ? `${c.op} ${c.id}` : c.op));
const idOf = (ctx: MappingContext, name: string) => scheduleId(ctx.projectKey, 'dev', name);

function stored(fake: FakeScheduleServer, id: string) {
  const found = fake.stored.get(id);
  if (!found) throw new Error(`${id} is not on the server`);
  return found;
}

describe('the hash fast path', () => {
  it('an empty namespace: every schedule is created, planned from the listing alone', async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries(THREE)));
    const p = await plan(fake, ctx);
    expect(actions(p)).toEqual([
      ['s1', 'create'],
      ['s2', 'create'],
      ['s3', 'create'],
    ]);
    expect(item(p, 's3')?.changes).toEqual(['@hourly (0 * * * *), job el']);
    expect(item(p, 's1')?.scheduleId).toBe(`meltano:${ctx.projectKey}:dev:s1`);
    expect(ops(fake)).toEqual(['list']);
    expect(p).toMatchObject({ project: ctx.projectKey, environment: 'dev', namespace: 'unit', warnings: [] });
  });

  it('after a sync, a re-plan is settled by the listing: nothing is described', async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries(THREE)));
    await synced(fake, ctx);
    const p = await plan(fake, ctx);
    expect(actions(p)).toEqual([
      ['s1', 'unchanged'],
      ['s2', 'unchanged'],
      ['s3', 'unchanged'],
    ]);
    expect(ops(fake)).toEqual(['list']);
  });

  it('--verify trusts no hash: every schedule is described, and found in step', async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries(THREE)));
    await synced(fake, ctx);
    const p = await plan(fake, ctx, { verify: true });
    expect(p.items.map((i) => i.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(ops(fake).sort()).toEqual(
      ['describe s1', 'describe s2', 'describe s3', 'list'].map((op) =>
        op.replace(/ (s\d)$/u, (_, name: string) => ` ${idOf(ctx, name)}`),
      ),
    );
  });

  it('a meltano.yml change is found from the listing: only that schedule is described, with what changed', async () => {
    const fake = new FakeScheduleServer();
    await synced(fake, context(project(entries(THREE))));
    const ctx = context(project(entries({ ...THREE, s2: '@weekly' })));
    const p = await plan(fake, ctx);
    expect(actions(p)).toEqual([
      ['s2', 'update'],
      ['s1', 'unchanged'],
      ['s3', 'unchanged'],
    ]);
    expect(item(p, 's2')?.changes).toEqual(['interval: @daily -> @weekly', 'cron: 0 0 * * * -> 0 0 * * 0']);
    expect(ops(fake)).toEqual(['list', `describe ${idOf(ctx, 's2')}`]);
  });

  it('a schedule made before sync hashes, in step otherwise, is updated only to record its hash', async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries({ s1: '@daily' })));
    await synced(fake, ctx);
    stored(fake, idOf(ctx, 's1')).typedSearchAttributes = new TypedSearchAttributes([]);
    const p = await plan(fake, ctx);
    expect(item(p, 's1')).toMatchObject({ action: 'update', changes: ['sync hash recorded'] });
  });

  it('toDescribe names what the listing cannot settle that is on the server; with verify, every schedule', () => {
    const ctx = context(project(entries(THREE)));
    const wanted = wantedSchedules(ctx.project, {}).map((s) => wantedForm(ctx, s));
    const [s1, s2, s3] = ['s1', 's2', 's3'].map((n) => idOf(ctx, n));
    const listing: ServerListing = { ours: new Map(), legacy: new Map(), ids: new Set([s1 ?? '', s2 ?? '']) };
    expect(toDescribe(wanted, listing, {})).toEqual([s1, s2]);
    expect(toDescribe(wanted, listing, { verify: true })).toEqual([s1, s2, s3]);
  });
});

describe('drift found by describing', () => {
  async function afterHandEdit(edit: (d: ReturnType<typeof stored>) => void): Promise<[SyncPlan, SyncPlan]> {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries({ s1: '@daily' })));
    await synced(fake, ctx);
    edit(stored(fake, idOf(ctx, 's1')));
    return [await plan(fake, ctx), await plan(fake, ctx, { verify: true })];
  }

  it('a hand edit of the policies keeps the hash: a plain plan misses it, --verify puts it back', async () => {
    const [plain, verified] = await afterHandEdit((d) => {
      d.policies.overlap = 'ALLOW_ALL';
    });
    expect(item(plain, 's1')?.action).toBe('unchanged');
    expect(item(verified, 's1')).toMatchObject({
      action: 'update',
      changes: ['policies changed on the server (put back)'],
    });
  });

  it('a hand edit of the spec is told from the server compiling it, by the compiled spec recorded at the write', async () => {
    const [, verified] = await afterHandEdit((d) => {
      d.spec = { ...d.spec, calendars: (d.spec.calendars ?? []).map((c) => ({ ...c, comment: '0 3 * * *' })) };
    });
    expect(item(verified, 's1')?.changes).toEqual(['spec changed on the server (put back)']);
  });

  it('a hand edit of the action (task queue, workflow input) is put back', async () => {
    const [, verified] = await afterHandEdit((d) => {
      d.action.taskQueue = 'elsewhere';
      d.action.args = [{ project: 'other' }];
    });
    expect(item(verified, 's1')?.changes).toEqual([
      'action changed on the server (put back)',
      'workflow input changed on the server (put back)',
    ]);
  });

  it('a change the summary does not show (the fingerprint differs) is a changed definition', async () => {
    const [, verified] = await afterHandEdit((d) => {
      d.action.memo = { ...d.action.memo, fingerprint: '0000000000000000' };
    });
    expect(item(verified, 's1')?.changes).toEqual(['definition changed']);
  });
});

describe('whose schedules', () => {
  const ctx = context(project(entries({ s1: '@daily' })));
  const memo = (fields: Record<string, unknown>) => ({ managedBy: 'meltano-temporal', environment: 'dev', ...fields });

  it('ownership: ours by mark, key and environment; legacy by the earlier identity; anything else is other', () => {
    expect(ownership(memo({ project: ctx.projectKey, projectId: PROJECT_ID }), ctx)).toBe('ours');
    expect(ownership(memo({ project: 'shop' }), ctx)).toBe('legacy');
    expect(ownership(memo({ project: 'shop', projectId: 'dir:shop' }), ctx)).toBe('legacy');
    expect(ownership(undefined, ctx)).toBe('other');
    expect(ownership({ managedBy: 'someone-else', project: ctx.projectKey, projectId: PROJECT_ID }, ctx)).toBe('other');
    expect(ownership(memo({ project: ctx.projectKey, projectId: PROJECT_ID, environment: 'prod' }), ctx)).toBe('other');
    expect(ownership(memo({ project: 'shop', projectId: 'another-id' }), ctx)).toBe('other');
    expect(ownership(memo({ project: 'other-dir' }), ctx)).toBe('other');
    expect(ownership(memo({ project: 'renamed', projectId: PROJECT_ID }), ctx)).toBe('other');
  });

  it('without a project_id the directory mark is this project, not an earlier identity', () => {
    const noId = context(project(entries({ s1: '@daily' }), null));
    expect(noId.owner).toBe(projectOwner({ root: ROOT, projectId: null }));
    expect(ownership(memo({ project: 'shop', projectId: 'dir:shop' }), noId)).toBe('ours');
    expect(ownership(memo({ project: 'shop' }), noId)).toBe('legacy');
  });

  it("another project's schedule at our id is an error naming its owner, and is not touched", async () => {
    const fake = new FakeScheduleServer();
    const id = idOf(ctx, 's1');
    await foreignSchedule(
      fake,
      id,
      memo({ project: ctx.projectKey, projectId: 'c0ffee00-0000-4000-8000-000000000000' }),
    );
    const p = await plan(fake, ctx);
    expect(item(p, 's1')).toMatchObject({
      action: 'error',
      scheduleId: id,
      error:
        `schedule ${id} belongs to another project (created by meltano-temporal for project '${ctx.projectKey}' ` +
        `(project_id c0ffee00-0000-4000-8000-000000000000, environment dev)); left untouched. ` +
        'Give this project its own key: a project_id in meltano.yml or MELTANO_TEMPORAL_PROJECT',
    });
    fake.calls.length = 0;
    await applySync(fake.server(), ctx, p);
    expect(fake.writes()).toEqual([]);
  });

  it('a schedule no sync made at our id is refused as not ours', async () => {
    const fake = new FakeScheduleServer();
    await foreignSchedule(fake, idOf(ctx, 's1'));
    const p = await plan(fake, ctx);
    expect(item(p, 's1')?.error).toContain('belongs to another project (created not by meltano-temporal)');
  });
});

describe('migrations from earlier identities', () => {
  it('a 0.1.0 schedule (no mark) at the directory id is replaced by one at this project id, pause and note kept', async () => {
    const fake = new FakeScheduleServer();
    const legacyId = await earlierSchedule(fake, 's1', { paused: true, note: 'paused by ops' });
    const ctx = context(project(entries({ s1: '@daily' })));
    const p = await plan(fake, ctx);
    expect(item(p, 's1')).toMatchObject({
      action: 'create',
      scheduleId: idOf(ctx, 's1'),
      changes: [
        '@daily (0 0 * * *), job el',
        `replaces ${legacyId} (made under this project's earlier identity; paused state kept)`,
      ],
      migrate: { fromId: legacyId, paused: true, note: 'paused by ops' },
    });
  });

  it('one made under the directory mark (before meltano.yml had a project_id) migrates too', async () => {
    const fake = new FakeScheduleServer();
    const legacyId = await earlierSchedule(fake, 's1', { projectId: 'dir:shop' });
    const p = await plan(fake, context(project(entries({ s1: '@daily' }))));
    expect(item(p, 's1')?.migrate).toEqual({ fromId: legacyId, paused: false });
  });

  it('one already at this project id (no project_id, so the same key) is re-created in place to add the mark', async () => {
    const fake = new FakeScheduleServer();
    const id = await earlierSchedule(fake, 's1', { paused: true });
    const ctx = context(project(entries({ s1: '@daily' }), null));
    expect(idOf(ctx, 's1')).toBe(id);
    const p = await plan(fake, ctx);
    expect(item(p, 's1')).toMatchObject({
      action: 'update',
      scheduleId: id,
      changes: ['ownership mark added (re-created; paused state kept)'],
      migrate: { fromId: id, paused: true },
    });
  });

  it("another project's earlier-identity schedule is never taken over: a directory of the same name", async () => {
    const fake = new FakeScheduleServer();
    await earlierSchedule(fake, 's1', { project: 'elsewhere' });
    const p = await plan(fake, context(project(entries({ s1: '@daily' }))));
    expect(item(p, 's1')).toMatchObject({ action: 'create', changes: ['@daily (0 0 * * *), job el'] });
    expect(item(p, 's1')?.migrate).toBeUndefined();
  });
});

describe('prune', () => {
  async function namespaceWithLeftovers() {
    const fake = new FakeScheduleServer();
    const before = context(project(entries({ keep: '@daily', gone: '@daily' })));
    await synced(fake, before);
    await earlierSchedule(fake, 'kept-legacy');
    await earlierSchedule(fake, 'old-legacy');
    await foreignSchedule(fake, 'someone-elses');
    await foreignSchedule(fake, 'meltano:other-1234abcd:dev:gone', {
      managedBy: 'meltano-temporal',
      project: 'other-1234abcd',
      projectId: 'c0ffee00-0000-4000-8000-000000000000',
      environment: 'dev',
      schedule: 'gone',
    });
    fake.calls.length = 0;
    return { fake, ctx: context(project(entries({ keep: '@daily', 'kept-legacy': '@daily' }))) };
  }

  it("deletes this project's schedules gone from meltano.yml, never another's; earlier-identity ones it cannot claim are errors", async () => {
    const { fake, ctx } = await namespaceWithLeftovers();
    const p = await plan(fake, ctx, { prune: true });
    expect(actions(p)).toEqual([
      ['old-legacy', 'error'],
      ['kept-legacy', 'create'],
      ['gone', 'delete'],
      ['keep', 'unchanged'],
    ]);
    expect(item(p, 'gone')?.scheduleId).toBe(idOf(ctx, 'gone'));
    expect(item(p, 'old-legacy')?.error).toBe(
      "not deleted: made before ownership marks or project_id for a project named 'shop', so it may belong to another " +
        "project in a directory of that name; if it is this project's, delete it with temporal schedule delete " +
        "--schedule-id 'meltano:shop:dev:old-legacy'",
    );
  });

  it('without --prune nothing is deleted; with only some schedules nothing is pruned and only those are planned', async () => {
    const { fake, ctx } = await namespaceWithLeftovers();
    expect(actions(await plan(fake, ctx))).toEqual([
      ['kept-legacy', 'create'],
      ['keep', 'unchanged'],
    ]);
    expect(actions(await plan(fake, ctx, { prune: true, only: ['keep'] }))).toEqual([['keep', 'unchanged']]);
  });
});

describe('broken entries and failed describes', () => {
  it('an entry meltano.yml cannot express, or that cannot be read, is an error item; the others are planned', async () => {
    const fake = new FakeScheduleServer();
    const schedules = `${entries({ ok: '@daily' })}- name: numeric\n  interval: 42\n  job: el\n- name: listed\n  interval: [daily]\n  job: el\n`;
    const p = await plan(fake, context(project(schedules)));
    expect(actions(p)).toEqual([
      ['listed', 'error'],
      ['numeric', 'error'],
      ['ok', 'create'],
    ]);
    expect(item(p, 'listed')).toMatchObject({
      scheduleId: '',
      error: expect.stringMatching(/^meltano\.yml: schedule 'listed': interval must be a string/u),
    });
    expect(item(p, 'numeric')?.error).toMatch(/^meltano\.yml: schedule 'numeric': interval 42 is a YAML number/u);
  });

  it("a describe the server fails is that schedule's error, with the cause; the others are planned", async () => {
    const fake = new FakeScheduleServer();
    const ctx = context(project(entries({ s1: '@daily', s2: '@daily' })));
    await synced(fake, context(project(entries({ s1: '@hourly', s2: '@hourly' }))));
    fake.failNext(
      'describe',
      idOf(ctx, 's1'),
      new Error('Failed to describe schedule', { cause: new Error('13 INTERNAL: boom') }),
    );
    const p = await plan(fake, ctx);
    expect(item(p, 's1')).toMatchObject({ action: 'error', error: 'Failed to describe schedule: 13 INTERNAL: boom' });
    expect(item(p, 's2')?.action).toBe('update');
  });

  it('many schedules starting at one instant without jitter draw a warning; with `only`, none is given', async () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`s${i}`, '@daily']));
    const ctx = context(project(entries(many)));
    const p = await plan(new FakeScheduleServer(), ctx);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatch(/^51 schedules start at the same instant \(cron '0 0 \* \* \*', UTC\)/u);
    expect((await plan(new FakeScheduleServer(), ctx, { only: ['s1'] })).warnings).toEqual([]);
  });
});
