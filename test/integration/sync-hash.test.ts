/**
 * Re-sync from one listing: each schedule carries the hash of its desired
 * form in the MeltanoSyncHash search attribute; an unchanged re-sync changes
 * nothing on the server, a meltano.yml change is found from the listing, and
 * a hand edit in the UI (which keeps the hash) is found by `sync --verify`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject } from '../helpers/project.js';
import { ours } from '../helpers/run.js';
import { sharedServer } from '../helpers/temporal.js';

// No attributes registered up front: sync registers MeltanoSyncHash with the others.
const server = sharedServer({ searchAttributes: false });
let client: Client;
let dir: string;
let env: Record<string, string>;
const NAMES = ['s1', 's2', 's3'];
const id = (name: string) => `meltano:hash:dev:${name}`;

beforeAll(async () => {
  client = await server.client();
  dir = makeProject({
    'meltano.yml': `default_environment: dev
project_id: 7d0c7a52-5d8e-4c45-9d55-0e0d5b0f3a10
environments:
- name: dev
jobs:
- name: one
  tasks:
  - tap-x target-y
schedules:
${NAMES.map((n) => `- name: ${n}\n  interval: '@daily'\n  job: one\n`).join('')}`,
  });
  env = { ...server.env, MELTANO_TEMPORAL_PROJECT: 'hash', PATH: process.env.PATH ?? '' };
}, 120_000);

type Report = { items: Array<{ action: string; schedule: string; changes: string[] }> };
const actions = (r: Report) => r.items.map((i) => [i.schedule, i.action]).sort();
const sync = async (...args: string[]) => {
  const r = await ours(dir, ['sync', '--format=json', ...args], env);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
};
const updatedAt = async () =>
  Promise.all(
    NAMES.map(async (n) => (await client.schedule.getHandle(id(n)).describe()).info.lastUpdatedAt?.getTime()),
  );

describe('re-sync from one listing', () => {
  it('sync registers MeltanoSyncHash and stores the hash on each schedule', async () => {
    expect(actions(await sync())).toEqual(NAMES.map((n) => [n, 'create']));
    const attrs = await client.connection.operatorService.listSearchAttributes({ namespace: server.namespace });
    expect(Object.keys(attrs.customAttributes ?? {})).toContain('MeltanoSyncHash');
    const d = await client.schedule.getHandle(id('s1')).describe();
    expect(d.typedSearchAttributes.getAll().find((p) => p.key.name === 'MeltanoSyncHash')?.value).toMatch(
      /^[0-9a-f]{16}$/u,
    );
  });

  it('an unchanged re-sync changes nothing on the server', async () => {
    const before = await updatedAt();
    expect(actions(await sync())).toEqual(NAMES.map((n) => [n, 'unchanged']));
    expect(actions(await sync('--verify'))).toEqual(NAMES.map((n) => [n, 'unchanged']));
    expect(await updatedAt()).toEqual(before);
  });

  it('a meltano.yml change is found from the listing and updates only that schedule', async () => {
    const file = path.join(dir, 'meltano.yml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace("- name: s2\n  interval: '@daily'", "- name: s2\n  interval: '@hourly'"),
    );
    const report = await sync();
    expect(actions(report)).toEqual([
      ['s1', 'unchanged'],
      ['s2', 'update'],
      ['s3', 'unchanged'],
    ]);
    expect(report.items.find((i) => i.schedule === 's2')?.changes).toContain('interval: @daily -> @hourly');
  });

  it('a hand edit in the UI keeps the hash: plain sync skips it, --verify puts it back', async () => {
    await client.schedule.getHandle(id('s3')).update((prev) => ({
      ...prev,
      policies: { ...prev.policies, overlap: 'ALLOW_ALL' },
    }));
    expect(actions(await sync())).toEqual(NAMES.map((n) => [n, 'unchanged']));
    const verified = await sync('--verify');
    expect(verified.items.find((i) => i.schedule === 's3')).toMatchObject({
      action: 'update',
      changes: ['policies changed on the server (put back)'],
    });
    expect((await client.schedule.getHandle(id('s3')).describe()).policies.overlap).toBe('SKIP');
  });
});
