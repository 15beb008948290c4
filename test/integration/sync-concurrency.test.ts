/**
 * First sync with bounded concurrency against a real dev server: hundreds of
 * schedules created `--concurrency` at a time with one line per change and a
 * summary (a progress bar on a terminal), bad `--concurrency` values refused
 * before anything is touched, and a server whose rate limiter refuses
 * requests (RESOURCE_EXHAUSTED) still gets every schedule, the refusals
 * reported (on a server of its own: the limit is the server's).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject } from '../helpers/project.js';
import { CLI, ours } from '../helpers/run.js';
import { sharedServer, startDevServer, type DevServer } from '../helpers/temporal.js';
import { waitFor } from '../helpers/wait.js';

const shared = sharedServer();
let limited: DevServer | undefined;

afterAll(async () => {
  await limited?.stop();
});

const INTERVALS = ['@hourly', '@daily', '0 */6 * * *', '15 3 * * MON-FRI', '@manual'];

function project(count: number, withProjectId = true): string {
  const schedules = Array.from(
    { length: count },
    (_, i) => `- name: s-${i}\n  interval: '${INTERVALS[i % INTERVALS.length]}'\n  job: j\n`,
  ).join('');
  return makeProject({
    'meltano.yml': `default_environment: dev
${withProjectId ? 'project_id: 0b6f4f5e-3c1d-4d57-9a51-2f0f3a3c9e11\n' : ''}environments:
- name: dev
jobs:
- name: j
  tasks:
  - tap-x target-y
schedules:
${schedules}`,
  });
}

/** Our schedules on the server, by id. */
async function listed(client: Client, prefix: string): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  for await (const s of client.schedule.list()) {
    if (!s.scheduleId.startsWith(prefix)) continue;
    const hash = s.typedSearchAttributes?.getAll().find((p) => p.key.name === 'MeltanoSyncHash')?.value;
    out.set(s.scheduleId, typeof hash === 'string' ? hash : undefined);
  }
  return out;
}

/** The listing (the server's visibility store) catches up with creations a moment later: wait for `count`. */
async function listedAll(client: Client, prefix: string, count: number): Promise<Map<string, string | undefined>> {
  return waitFor(
    `${count} schedules listed`,
    async () => {
      const found = await listed(client, prefix);
      return found.size >= count && found;
    },
    { intervalMs: 500 },
  );
}

const SUMMARY = /^(\d+) create, (\d+) update, (\d+) delete, (\d+) unchanged, (\d+) error — project (\S+),/mu;

describe('sync --concurrency', () => {
  it('refuses a bad value with exit 2 before connecting or touching meltano.yml', async () => {
    const dir = project(3, false);
    const file = path.join(dir, 'meltano.yml');
    const before = readFileSync(file);
    // No server listens at :1: a refusal that reached the network would say so, and exit 1.
    const env = { TEMPORAL_ADDRESS: '127.0.0.1:1', PATH: process.env.PATH ?? '' };
    for (const value of ['0', '-3', 'abc', '2.5', '257', '']) {
      const r = await ours(dir, ['sync', `--concurrency=${value}`], env);
      expect(r.exitCode, `${value}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`Invalid value for '--concurrency': '${value}' is not a whole number from 1 to 256.`);
      expect(r.stdout).toBe('');
    }
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('creates 300 schedules 32 at a time: one line per create, a summary; a re-sync prints only the summary', async () => {
    const [s, client] = [shared, await shared.client()];
    const dir = project(300);
    const env = { ...s.env, MELTANO_TEMPORAL_PROJECT: 'conc', PATH: process.env.PATH ?? '' };
    const first = await ours(dir, ['sync', '--concurrency', '32'], env);
    expect(first.exitCode, first.stderr).toBe(0);
    const lines = first.stdout.split('\n').filter((l) => l.startsWith('+ create '));
    const names = lines.map((l) => /^\+ create (\S+) /u.exec(l)?.[1]);
    expect(new Set(names).size).toBe(300);
    expect(names.slice().sort()).toEqual(Array.from({ length: 300 }, (_, i) => `s-${i}`).sort());
    expect(first.stdout).toMatch(
      /^300 create, 0 update, 0 delete, 0 unchanged, 0 error — project conc, .*, 32 at a time\)$/mu,
    );
    // 60 schedules on each of four crons, none with jitter: one warning per cron (@manual never starts by itself).
    const warnings = first.stderr.match(/^warning: 60 schedules start at the same instant \(cron '[^']+', UTC\)/gmu);
    expect(warnings?.map((w) => /cron '([^']+)'/u.exec(w)?.[1]).sort()).toEqual(
      ['0 * * * *', '0 0 * * *', '0 */6 * * *', '15 3 * * MON-FRI'].sort(),
    );
    expect(first.stderr).toContain('annotations.temporal.jitter');
    const onServer = await listedAll(client, 'meltano:conc:dev:', 300);
    expect(onServer.size).toBe(300);
    expect([...onServer.values()].every((h) => typeof h === 'string' && /^[0-9a-f]{16}$/u.test(h))).toBe(true);

    const again = await ours(dir, ['sync'], env);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout.trim().split('\n')).toHaveLength(1);
    expect(again.stdout).toMatch(/^0 create, 0 update, 0 delete, 300 unchanged, 0 error — .*, 16 at a time\)$/mu);

    // On a terminal: the same lines, and a progress bar on stderr that ends at the total.
    // The @daily schedules become @weekly with a jitter: that cron draws no warning.
    const file = path.join(dir, 'meltano.yml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replaceAll(
        "interval: '@daily'",
        "interval: '@weekly'\n  annotations:\n    temporal:\n      jitter: 1m",
      ),
    );
    const tty = await execa('script', ['-qefc', `node '${CLI}' sync --concurrency 4`, '/dev/null'], {
      cwd: dir,
      env,
      reject: false,
      stdin: 'ignore',
    });
    expect(tty.exitCode, tty.stdout).toBe(0);
    expect(tty.stdout).toMatch(/syncing \[#+\.*\] \d+\/300/u);
    expect(tty.stdout).toMatch(/syncing \[#{30}\] 300\/300 {2}\+0 ~60 -0 =240 !0/u);
    expect(tty.stdout.match(/~ update s-\d+ /gu)).toHaveLength(60);
    expect(tty.stdout).toMatch(/0 create, 60 update, 0 delete, 240 unchanged, 0 error — .*, 4 at a time\)/u);
    expect(tty.stdout.match(/warning: 60 schedules start at the same instant/gu)).toHaveLength(3);
    expect(tty.stdout).not.toMatch(/cron '0 0 \* \* [0*]'/u);
  }, 300_000);

  it('a server that rate-limits (RESOURCE_EXHAUSTED) still gets every schedule; the refusals are reported', async () => {
    limited = await startDevServer({ dynamicConfig: { 'frontend.namespaceRPS': 3 } });
    const [s, client] = [limited, await limited.client()];
    const dir = project(60);
    const env = { ...s.env, MELTANO_TEMPORAL_PROJECT: 'limited', PATH: process.env.PATH ?? '' };
    const r = await ours(dir, ['sync', '--concurrency', '16'], env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('warning:'); // 12 schedules per cron
    const summary = SUMMARY.exec(r.stdout);
    expect(summary?.slice(1, 6)).toEqual(['60', '0', '0', '0', '0']);
    const refused = /the server rate-limited (\d+) request\(s\) \(RESOURCE_EXHAUSTED\); each was retried/u.exec(
      r.stderr,
    );
    expect(Number(refused?.[1])).toBeGreaterThan(0);
    expect((await listedAll(client, 'meltano:limited:dev:', 60)).size).toBe(60);
  }, 300_000);
});
