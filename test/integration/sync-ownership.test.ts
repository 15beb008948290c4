/**
 * Two real Meltano projects (`meltano init`, so each has its own project_id)
 * in directories of the same name, `a/elt` and `b/elt`, synced to one real
 * dev server: ids and ownership come from project_id, `--prune` never
 * deletes the other project's schedules, a schedule owned by the other
 * project is refused by name, and schedules made before ownership marks
 * (0.1.0: id and mark from the directory's name only) are migrated.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { snapshotYaml, tempDir } from '../helpers/project.js';
import { meltano, ours } from '../helpers/run.js';
import { sharedServer } from '../helpers/temporal.js';

const server = sharedServer();
let client: Client;
let root: string;
const dirs = { a: '', b: '' };
const keys = { a: '', b: '' };
let env: Record<string, string>;

const JOBS = `jobs:
- name: one
  tasks:
  - tap-x target-y
`;
const schedules = (names: string[]) =>
  `schedules:\n${names.map((n) => `- name: ${n}\n  interval: '@daily'\n  job: one\n`).join('')}`;

function projectId(dir: string): string {
  const m = /^project_id: (\S+)$/mu.exec(readFileSync(path.join(dir, 'meltano.yml'), 'utf8'));
  if (!m?.[1]) throw new Error(`no project_id in ${dir}/meltano.yml`);
  return m[1];
}

const id = (key: string, name: string) => `meltano:${key}:dev:${name}`;

async function ids(): Promise<string[]> {
  const out: string[] = [];
  for await (const s of client.schedule.list()) out.push(s.scheduleId);
  return out.sort();
}

/** A schedule as 0.1.0 created it: id and memo from the directory's name only. */
async function legacySchedule(name: string, paused = false): Promise<void> {
  await client.schedule.create({
    scheduleId: id('elt', name),
    spec: { cronExpressions: ['0 0 * * *'] },
    action: { type: 'startWorkflow', workflowType: 'meltanoJob', taskQueue: 'meltano', args: [{ schedule: name }] },
    memo: { managedBy: 'meltano-temporal', project: 'elt', environment: 'dev', schedule: name },
    state: { paused },
  });
}

beforeAll(async () => {
  client = await server.client();
  root = tempDir('mt-owners-');
  await Promise.all(
    (['a', 'b'] as const).map(async (which) => {
      mkdirSync(path.join(root, which));
      const r = await meltano(path.join(root, which), ['init', 'elt', '--no_usage_stats']);
      if (r.exitCode !== 0) throw new Error(`meltano init failed in ${which}: ${r.stderr}`);
      dirs[which] = path.join(root, which, 'elt');
      const tag = createHash('sha256').update(projectId(dirs[which])).digest('hex').slice(0, 8);
      keys[which] = `elt-${tag}`;
    }),
  );
  appendFileSync(path.join(dirs.a, 'meltano.yml'), JOBS + schedules(['shared', 'only-a']));
  appendFileSync(path.join(dirs.b, 'meltano.yml'), JOBS + schedules(['shared', 'only-b']));
  env = { ...server.env, PATH: process.env.PATH ?? '' };
}, 120_000);

describe('two projects in directories of the same name on one namespace', () => {
  it('the two projects have different project_ids, so different keys', () => {
    expect(projectId(dirs.a)).not.toBe(projectId(dirs.b));
    expect(keys.a).not.toBe(keys.b);
  });

  it('migrates schedules made before ownership marks; --prune leaves the ambiguous one and says why', async () => {
    await legacySchedule('shared');
    await legacySchedule('only-a', true);
    await legacySchedule('only-b');
    const r = await ours(dirs.a, ['sync', '--prune'], env);
    expect(r.stdout).toContain(`+ create only-a (${id(keys.a, 'only-a')})`);
    expect(r.stdout).toContain(`replaces ${id('elt', 'only-a')}`);
    expect(r.stdout).toContain(`replaces ${id('elt', 'shared')}`);
    expect(r.stderr).toMatch(/! error only-b \(meltano:elt:dev:only-b\): not deleted: made before ownership marks/u);
    expect(r.exitCode).toBe(1);
    expect(await ids()).toEqual([id('elt', 'only-b'), id(keys.a, 'only-a'), id(keys.a, 'shared')].sort());
    // The operator's pause survives the migration.
    expect((await client.schedule.getHandle(id(keys.a, 'only-a')).describe()).state.paused).toBe(true);
    expect((await client.schedule.getHandle(id(keys.a, 'shared')).describe()).memo).toMatchObject({
      projectId: projectId(dirs.a),
      project: keys.a,
    });
  });

  it("b's sync creates its own schedules and migrates its own; a's are untouched", async () => {
    const r = await ours(dirs.b, ['sync', '--prune'], env);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(`+ create shared (${id(keys.b, 'shared')})`);
    expect(r.stdout).toContain(`replaces ${id('elt', 'only-b')}`);
    expect(await ids()).toEqual(
      [id(keys.a, 'only-a'), id(keys.a, 'shared'), id(keys.b, 'only-b'), id(keys.b, 'shared')].sort(),
    );
  });

  it("--prune deletes only the project's own schedules gone from meltano.yml", async () => {
    const again = await ours(dirs.a, ['sync', '--prune', '--format=json'], env);
    expect(again.exitCode, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout) as { items: Array<{ action: string; schedule: string }> };
    expect(report.items.map((i) => [i.schedule, i.action]).sort()).toEqual([
      ['only-a', 'unchanged'],
      ['shared', 'unchanged'],
    ]);
    const file = path.join(dirs.a, 'meltano.yml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/- name: only-a\n {2}interval: '@daily'\n {2}job: one\n/u, ''),
    );
    const r = await ours(dirs.a, ['sync', '--prune'], env);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(`- delete only-a (${id(keys.a, 'only-a')})`);
    expect(r.stdout).not.toContain(keys.b);
    expect(await ids()).toEqual([id(keys.a, 'shared'), id(keys.b, 'only-b'), id(keys.b, 'shared')].sort());
  });

  it('refuses to update or delete a schedule owned by another project, naming the owner', async () => {
    // b forced onto a's key: the ids collide, the ownership mark does not.
    const forced = { ...env, MELTANO_TEMPORAL_PROJECT: keys.a };
    const file = path.join(dirs.b, 'meltano.yml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "- name: shared\n  interval: '@daily'",
        "- name: shared\n  interval: '@hourly'",
      ),
    );
    const before = await client.schedule.getHandle(id(keys.a, 'shared')).describe();
    const r = await ours(dirs.b, ['sync', '--prune'], forced);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      `! error shared (${id(keys.a, 'shared')}): schedule ${id(keys.a, 'shared')} belongs to another project ` +
        `(created by meltano-temporal for project '${keys.a}' (project_id ${projectId(dirs.a)}, environment dev)); left untouched`,
    );
    // Edits that Temporal would refuse are refused before any file is written.
    const files = snapshotYaml(dirs.b);
    const set = await ours(dirs.b, ['schedule', 'set', 'shared', '--interval', '@weekly'], forced);
    expect(set.exitCode).toBe(1);
    expect(set.stderr).toContain(`schedule ${id(keys.a, 'shared')} belongs to another project`);
    expect(set.stderr).toContain('No file was changed.');
    expect(snapshotYaml(dirs.b)).toEqual(files);
    const removed = await ours(dirs.b, ['schedule', 'remove', 'shared'], forced);
    expect(removed.stderr).toContain(`Schedule ${id(keys.a, 'shared')} belongs to another project`);
    expect(removed.stderr).toContain('No file was changed.');
    expect(removed.exitCode).toBe(1);
    expect(snapshotYaml(dirs.b)).toEqual(files);
    const after = await client.schedule.getHandle(id(keys.a, 'shared')).describe();
    expect(after.spec).toEqual(before.spec);
    expect(await ids()).toContain(id(keys.a, 'shared'));
    expect(await ids()).toContain(id(keys.b, 'only-b'));
  });

  it('sync gives a project without project_id the one Meltano keeps; Meltano keeps it too, so ids never move', async () => {
    const dir = path.join(root, 'c', 'fresh');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'meltano.yml');
    const text = `version: 1\ndefault_environment: dev\nenvironments:\n- name: dev\n${JOBS}${schedules(['nightly'])}`;
    writeFileSync(file, text);
    // Meltano's first command in a project keeps a project_id in .meltano/analytics.json
    // (its next would write it into meltano.yml).
    expect((await meltano(dir, ['environment', 'list'])).exitCode).toBe(0);
    const kept = (
      JSON.parse(readFileSync(path.join(dir, '.meltano', 'analytics.json'), 'utf8')) as { project_id: string }
    ).project_id;
    expect(readFileSync(file, 'utf8')).toBe(text);
    const key = `fresh-${createHash('sha256').update(kept).digest('hex').slice(0, 8)}`;
    // A dry run writes nothing, and shows the ids the real sync will use.
    const dry = await ours(dir, ['sync', '--dry-run'], env);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stderr).toContain(`meltano.yml has no project_id: sync will add ${kept}`);
    expect(dry.stdout).toContain(`+ create nightly (${id(key, 'nightly')})`);
    expect(readFileSync(file, 'utf8')).toBe(text);
    const r = await ours(dir, ['sync'], env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `meltano.yml: added project_id ${kept} (the one Meltano keeps in .meltano/analytics.json)`,
    );
    expect(readFileSync(file, 'utf8')).toBe(`${text}project_id: ${kept}\n`);
    expect(r.stdout).toContain(`+ create nightly (${id(key, 'nightly')})`);
    // Meltano's later commands leave it as it is: the next sync has nothing to do.
    for (let i = 0; i < 2; i++) expect((await meltano(dir, ['environment', 'list'])).exitCode).toBe(0);
    expect(projectId(dir)).toBe(kept);
    const again = await ours(dir, ['sync'], env);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('added project_id');
    expect(again.stdout).toMatch(/^0 create, 0 update, 0 delete, 1 unchanged/mu);
  });

  it('schedules made under the directory mark (before the project had a project_id) move to its key, pause kept', async () => {
    const dir = path.join(root, 'd', 'older');
    mkdirSync(dir, { recursive: true });
    const pid = '0e4c1f7a-5d0b-4f4e-9d61-3c1d2f0a9b11';
    writeFileSync(
      path.join(dir, 'meltano.yml'),
      `version: 1\ndefault_environment: dev\nenvironments:\n- name: dev\n${JOBS}${schedules(['nightly'])}project_id: ${pid}\n`,
    );
    // As an earlier sync made it while meltano.yml had no project_id.
    await client.schedule.create({
      scheduleId: id('older', 'nightly'),
      spec: { cronExpressions: ['0 0 * * *'] },
      action: {
        type: 'startWorkflow',
        workflowType: 'meltanoJob',
        taskQueue: 'meltano',
        args: [{ schedule: 'nightly' }],
      },
      memo: {
        managedBy: 'meltano-temporal',
        project: 'older',
        projectId: 'dir:older',
        environment: 'dev',
        schedule: 'nightly',
      },
      state: { paused: true },
    });
    const key = `older-${createHash('sha256').update(pid).digest('hex').slice(0, 8)}`;
    const r = await ours(dir, ['sync', '--prune'], env);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(`+ create nightly (${id(key, 'nightly')})`);
    expect(r.stdout).toContain(`replaces ${id('older', 'nightly')} (made under this project's earlier identity`);
    const all = await ids();
    expect(all).toContain(id(key, 'nightly'));
    expect(all).not.toContain(id('older', 'nightly'));
    const moved = await client.schedule.getHandle(id(key, 'nightly')).describe();
    expect(moved.state.paused).toBe(true);
    expect(moved.memo).toMatchObject({ projectId: pid, project: key });
  });
});
