/**
 * `runs --schedule NAME` lists one schedule's runs, also a schedule named like
 * a subcommand of `runs` (`logs`, `retry`), which the positional cannot reach:
 * `runs logs` is the logs subcommand. Real dev server; the runs are started by
 * `schedule run --no-wait` and stay open (no worker), which is all visibility
 * needs to list them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/project.js';
import { sharedServer } from '../helpers/temporal.js';
import { ours } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

const server = sharedServer();
let dir: string;

const PROJECT = `version: 1
project_id: 6f1c2a4e-0000-4000-8000-00000000a11e
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
- name: logs
  interval: '@daily'
  job: j1
- name: retry
  interval: '@daily'
  job: j1
- name: other
  interval: '@daily'
  job: j1
`;

const cli = (args: string[]) => ours(dir, args, server.env);
const started: Record<string, string> = {};

interface Listed {
  runs: Array<{ workflowId: string; schedule: string }>;
}

/** Visibility lags a little behind the starts. */
async function listed(args: string[], expected: number): Promise<Listed> {
  return waitFor(
    `${expected} run(s) listed by runs ${args.join(' ')}`,
    async () => {
      const r = await cli(['runs', ...args, '--format=json']);
      expect(r.exitCode, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Listed;
      return out.runs.length >= expected && out;
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  );
}

beforeAll(async () => {
  dir = makeProject({ 'meltano.yml': PROJECT });
  const sync = await cli(['sync']);
  expect(sync.exitCode, sync.stderr).toBe(0);
  for (const name of ['logs', 'retry', 'other']) {
    const r = await cli(['schedule', 'run', name, '--no-wait']);
    expect(r.exitCode, r.stderr).toBe(0);
    started[name] = r.stdout.trim();
  }
}, 120_000);

describe('runs --schedule', { timeout: 60_000 }, () => {
  it('lists the runs of the schedules named logs and retry, and only theirs', async () => {
    for (const name of ['logs', 'retry']) {
      const out = await listed(['--schedule', name], 1);
      expect(out.runs.map((r) => [r.schedule, r.workflowId])).toEqual([[name, started[name]]]);
    }
  });

  it('in text: the strip of that schedule alone', async () => {
    const r = await cli(['runs', '--schedule', 'logs']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^logs {2}0\/0 succeeded of the last 1; latest started /u);
    expect(r.stdout).not.toMatch(/^(retry|other) /mu);
  });

  it('agrees with the positional when both name the same schedule; two different ones are refused', async () => {
    const same = await listed(['other', '--schedule', 'other'], 1);
    expect(same.runs.map((r) => r.workflowId)).toEqual([started.other]);
    const two = await cli(['runs', 'other', '--schedule', 'logs']);
    expect(two.exitCode).toBe(2);
    expect(two.stderr).toBe(
      "Error: runs was given two schedules: 'other' and --schedule 'logs'\n  fix: give one: `meltano-temporal runs --schedule NAME`",
    );
  });

  it('is needed: the positional `logs` is the logs subcommand, and --help says to use --schedule', async () => {
    const shadowed = await cli(['runs', 'logs']);
    expect(shadowed.exitCode).toBe(2);
    expect(shadowed.stderr).toMatch(/missing required argument 'workflow-id'/u);
    const help = (await cli(['runs', '--help'])).stdout.replace(/\s+/gu, ' ');
    expect(help).toContain(
      '--schedule <name> only this schedule; the way to name a schedule called like a subcommand of runs (logs, retry), which the positional SCHEDULE would run instead',
    );
    expect(help).toContain('schedule only this schedule (a schedule named logs or retry: use --schedule)');
  });
});
