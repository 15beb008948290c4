/**
 * `schedule add|set|remove` with TEMPORAL_ADDRESS on a real dev server: on a
 * namespace where `sync` never ran (no search attributes), add registers them
 * and creates the schedule; where the server cannot take the schedule (a
 * namespace that does not exist), every file is left byte for byte as it was,
 * the exit code is non-zero and the message names the cause and the fix.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject, snapshotYaml } from '../helpers/project.js';
import { SEARCH_ATTRIBUTES, sharedServer } from '../helpers/temporal.js';
import { ours } from '../helpers/run.js';

// As a fresh server or namespace is before the first `sync`: none of our search attributes.
const server = sharedServer({ searchAttributes: false });

const PROJECT = `version: 1
project_id: 6f1c2a4e-0000-4000-8000-00000000e5a1
default_environment: dev
environments:
- name: dev
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
- name: existing
  interval: '@daily'
  job: j1
`;

async function registered(): Promise<string[]> {
  const client = await server.client();
  const r = await client.connection.operatorService.listSearchAttributes({ namespace: server.namespace });
  return Object.keys(r.customAttributes ?? {}).filter((n) => n.startsWith('Meltano'));
}

describe('schedule edits with TEMPORAL_ADDRESS', { timeout: 120_000 }, () => {
  it('on a namespace where sync never ran: add registers the search attributes, then creates the schedule', async () => {
    expect(await registered()).toEqual([]);
    const dir = makeProject({ 'meltano.yml': PROJECT });
    const r = await ours(dir, ['schedule', 'add', 'nightly', '--job', 'j1', '--interval', '@hourly'], server.env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('temporal: registered search attributes: ');
    expect(r.stderr).toMatch(/temporal: \+ create nightly \(meltano:[^)]*:dev:nightly\)/u);
    expect(readFileSync(path.join(dir, 'meltano.yml'), 'utf8')).toContain('- name: nightly');
    expect((await registered()).sort()).toEqual([...SEARCH_ATTRIBUTES].sort());
    const id = /create nightly \(([^)]+)\)/u.exec(r.stderr)?.[1] ?? '';
    const client = await server.client();
    const described = await client.schedule.getHandle(id).describe();
    expect(described.memo).toMatchObject({ schedule: 'nightly' });

    // set then reaches the same schedule (the attributes are there now: nothing more to register).
    const set = await ours(dir, ['schedule', 'set', 'nightly', '--interval', '@daily'], server.env);
    expect(set.exitCode, set.stderr).toBe(0);
    expect(set.stderr).not.toContain('registered search attributes');
    expect(set.stderr).toMatch(/temporal: ~ update nightly/u);
  });

  it('when the server cannot take it (no such namespace): add, set and remove change no file and say why and how to fix it', async () => {
    const dir = makeProject({
      'meltano.yml': PROJECT.replace('project_id: 6f1c2a4e-0000-4000-8000-00000000e5a1\n', ''),
    });
    const before = snapshotYaml(dir);
    const env = { ...server.env, TEMPORAL_NAMESPACE: 'nope' };
    for (const args of [
      ['schedule', 'add', 'nightly', '--job', 'j1', '--interval', '@hourly'],
      ['schedule', 'set', 'existing', '--interval', '@hourly'],
      ['schedule', 'remove', 'existing'],
    ]) {
      const r = await ours(dir, args, env);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(`Namespace 'nope' does not exist on the Temporal server at ${server.address}.`);
      expect(r.stderr).toContain('No file was changed.');
      expect(r.stderr).toContain('fix: create it (temporal operator namespace create --namespace nope)');
      expect(r.stderr).toContain('or edit meltano.yml alone with --no-temporal');
      expect(r.stderr).not.toMatch(/^\s+at /mu);
      // Byte for byte: neither the schedule nor a project_id was written.
      expect(snapshotYaml(dir)).toEqual(before);
    }
    // Bad input is reported as such first: the server is asked only about a valid edit.
    const bad = await ours(dir, ['schedule', 'add', 'bad', '--job', 'j1', '--interval', 'not a cron'], env);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/not a cron/u);
    expect(bad.stderr).not.toContain('Namespace');
    expect(snapshotYaml(dir)).toEqual(before);
    // --no-temporal edits meltano.yml alone, as before.
    const alone = await ours(
      dir,
      ['schedule', 'add', 'nightly', '--job', 'j1', '--interval', '@hourly', '--no-temporal'],
      env,
    );
    expect(alone.exitCode, alone.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'meltano.yml'), 'utf8')).toContain('- name: nightly');
  });
});
