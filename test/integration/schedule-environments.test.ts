/**
 * `annotations.temporal.environments` on a schedule: `sync --environment E` creates it only
 * where listed and deletes it where a new list leaves E out; `schedule describe` and
 * `doctor` say why it is absent. Real dev server (a namespace of this file's own).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { makeProject } from '../helpers/project.js';
import { sharedServer } from '../helpers/temporal.js';
import { ours } from '../helpers/run.js';

const server = sharedServer();
let client: Client;
let dir: string;

const PROJECT = `version: 1
default_environment: dev
environments:
- name: dev
- name: prod
- name: staging
plugins:
  extractors:
  - name: tap-x
  loaders:
  - name: target-y
jobs:
- name: j1
  tasks:
  - tap-x target-y
schedules:
- name: everywhere
  interval: '@daily'
  job: j1
- name: prod-only
  interval: '@daily'
  job: j1
  annotations:
    temporal:
      environments: [prod]
`;

const cli = (args: string[]) => ours(dir, args, { ...server.env, MELTANO_TEMPORAL_PROJECT: 'envs' });
const id = (env: string, name: string) => `meltano:envs:${env}:${name}`;

async function onServer(scheduleId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleId).describe();
    return true;
  } catch (err) {
    if ((err as Error).name === 'ScheduleNotFoundError') return false;
    throw err;
  }
}

interface Report {
  items: Array<{ action: string; schedule: string; changes: string[] }>;
  ok: boolean;
}
const items = (r: { stdout: string }) =>
  (JSON.parse(r.stdout) as Report).items.map((i) => [i.schedule, i.action, i.changes]);

beforeAll(async () => {
  client = await server.client();
  dir = makeProject({ 'meltano.yml': PROJECT });
});

describe('annotations.temporal.environments', { timeout: 120_000 }, () => {
  it('sync --environment dev leaves prod-only out and says why; --environment prod creates it', async () => {
    const dev = await cli(['sync', '--environment', 'dev', '--format=json']);
    expect(dev.exitCode, dev.stderr).toBe(0);
    expect(items(dev)).toEqual([
      ['everywhere', 'create', ['@daily (0 0 * * *), job j1']],
      ['prod-only', 'skip', ['annotations.temporal.environments is [prod], not dev']],
    ]);
    expect(await onServer(id('dev', 'everywhere'))).toBe(true);
    expect(await onServer(id('dev', 'prod-only'))).toBe(false);

    const text = await cli(['sync', '--environment', 'dev']);
    expect(text.stdout).toContain(
      '. skip prod-only (meltano:envs:dev:prod-only): annotations.temporal.environments is [prod], not dev',
    );

    const prod = await cli(['sync', '--environment', 'prod', '--format=json']);
    expect(prod.exitCode, prod.stderr).toBe(0);
    expect(items(prod).map(([name, action]) => [name, action])).toEqual([
      ['everywhere', 'create'],
      ['prod-only', 'create'],
    ]);
    expect(await onServer(id('prod', 'prod-only'))).toBe(true);
  });

  it('schedule describe and doctor in dev say why prod-only is absent', async () => {
    const described = await cli(['schedule', 'describe', 'prod-only', '--environment', 'dev']);
    expect(described.exitCode).toBe(1);
    expect(described.stderr).toContain(
      "Schedule 'prod-only' does not exist in environment dev: annotations.temporal.environments is [prod], not dev.",
    );
    expect(described.stderr).toContain('use --environment prod, or add dev to its annotations.temporal.environments');

    const doctor = await cli(['doctor', '--environment', 'dev', '--format=json']);
    const checks = (JSON.parse(doctor.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> })
      .checks;
    expect(checks.find((c) => c.name === 'environments')).toEqual({
      name: 'environments',
      ok: true,
      detail:
        '1 schedule(s) not in Temporal for environment dev, by their annotation: prod-only (annotations.temporal.environments is [prod], not dev)',
    });
  });

  it('a list that drops prod deletes the schedule from prod at the next sync, without --prune', async () => {
    const file = path.join(dir, 'meltano.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('environments: [prod]', 'environments: [staging]'));
    const prod = await cli(['sync', '--environment', 'prod', '--format=json']);
    expect(prod.exitCode, prod.stderr).toBe(0);
    expect(items(prod)).toEqual([
      ['prod-only', 'delete', ['annotations.temporal.environments is [staging], not prod']],
      ['everywhere', 'unchanged', []],
    ]);
    expect(await onServer(id('prod', 'prod-only'))).toBe(false);
    expect(await onServer(id('prod', 'everywhere'))).toBe(true);
  });

  it('a list that is not a list of names is a clear error naming the file and the entry', async () => {
    const file = path.join(dir, 'meltano.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('environments: [staging]', 'environments: prod'));
    const r = await cli(['sync', '--environment', 'prod']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /meltano\.yml: schedule 'prod-only' annotations\.temporal: environments must be a list of Meltano environment names, not "prod"/u,
    );
  });
});
