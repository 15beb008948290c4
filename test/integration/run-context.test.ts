/**
 * Every task learns the time its run stands for (docs/run-context.md): a backfill of an
 * `@hourly` schedule over three hours starts three runs, and each task of each run gets
 * its own slot as the interval's end and the previous slot as its start, in its
 * environment and, through Meltano's `$VAR` expansion, in a real extractor's config;
 * `runs --format=json` and `runs` show the intervals. A daily schedule in a timezone takes
 * its slots from the server's spec; a trigger stands for the time it was made.
 * Real dev server, real worker, real `meltano`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject } from '../helpers/project.js';
import { sharedServer } from '../helpers/temporal.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { cliEnv, ours } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

const server = sharedServer();
const QUEUE = 'run-context-test';
let dir: string;
let env: Record<string, string>;
let worker: WorkerProcess;

/** Writes one line per run: the config Meltano gave it and every MT_ variable it saw. */
const TAP = `#!/usr/bin/env python3
import json, os, sys
args = sys.argv[1:]
schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
if '--discover' in args:
    print(json.dumps({"streams": [{"tap_stream_id": "s", "stream": "s", "schema": schema,
        "metadata": [{"breadcrumb": [], "metadata": {"selected": True}}]}]}))
    sys.exit(0)
config = json.load(open(args[args.index('--config') + 1])) if '--config' in args else {}
with open(os.environ['TAP_CTX_OUT'], 'a') as f:
    f.write(json.dumps({"config": config, "state": '--state' in args,
        "env": {k: v for k, v in os.environ.items() if k.startswith('MT_')}}) + '\\n')
if os.path.exists(os.environ.get('TAP_CTX_FAIL_WHILE', '/nonexistent')):
    sys.stderr.write('tap-ctx: failing on purpose\\n'); sys.exit(1)
# What the logs show: the full-refresh flag's value and two secrets of the schedule's env.
sys.stderr.write('tap-ctx: full refresh %s, token %s, password %s\\n' % (os.environ.get('MELTANO_RUN_FULL_REFRESH', 'unset'),
    os.environ.get('TAP_CTX_TOKEN', '-'), os.environ.get('TAP_CTX_PASSWORD', '-')))
print(json.dumps({"type": "SCHEMA", "stream": "s", "schema": schema, "key_properties": ["n"]}))
print(json.dumps({"type": "RECORD", "stream": "s", "record": {"n": 1}}))
print(json.dumps({"type": "STATE", "value": {"bookmarks": {"s": {"n": 1}}}}))
`;
const TARGET = `#!/usr/bin/env python3
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg['type'] == 'STATE':
        print(json.dumps(msg['value'])); sys.stdout.flush()
`;

const project = (root: string): string => `version: 1
default_environment: dev
environments:
- name: dev
plugins:
  extractors:
  - name: tap-ctx
    namespace: tap_ctx
    executable: ${root}/bin/tap-ctx
    capabilities: [catalog, discover, state]
    settings:
    - name: start_date
    - name: end_date
    config:
      start_date: $MT_INTERVAL_START
      end_date: $MT_INTERVAL_END
  loaders:
  - name: target-null
    namespace: target_null
    executable: ${root}/bin/target-null
jobs:
- name: ctx
  tasks:
  - tap-ctx target-null
  - tap-ctx target-null
schedules:
- name: hourly
  interval: '@hourly'
  job: ctx
  env:
    TAP_CTX_OUT: ${root}/hourly.jsonl
  annotations:
    temporal:
      paused: true
- name: berlin
  interval: '@daily'
  job: ctx
  env:
    TAP_CTX_OUT: ${root}/berlin.jsonl
  annotations:
    temporal:
      paused: true
      timezone: Europe/Berlin
- name: flaky
  interval: '@hourly'
  job: ctx
  env:
    TAP_CTX_OUT: ${root}/flaky.jsonl
    TAP_CTX_FAIL_WHILE: ${root}/fail-flag
  annotations:
    temporal:
      paused: true
      attempts: 1
- name: weekly-full
  interval: '@weekly'
  job: ctx
  env:
    TAP_CTX_OUT: ${root}/weekly-full.jsonl
    MELTANO_RUN_FULL_REFRESH: 'true'
    TAP_CTX_TOKEN: hunter2-token
    TAP_CTX_PASSWORD: '12345678'
  annotations:
    temporal:
      paused: true
`;

interface Seen {
  config: { start_date?: string; end_date?: string };
  /** Whether Meltano gave the tap a state (none under a full refresh). */
  state: boolean;
  env: Record<string, string>;
}
const seen = (file: string): Seen[] =>
  existsSync(path.join(dir, file))
    ? readFileSync(path.join(dir, file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Seen)
    : [];

interface Listed {
  runs: Array<{
    workflowId: string;
    runId: string;
    status: string;
    interval: { scheduledTime: string; start: string; end: string; kind: string } | null;
  }>;
}

const cli = (args: string[]) => ours(dir, args, env);
const id = (name: string) => `meltano:ctx:dev:${name}`;

/** The runs of a schedule once `count` of them completed. */
async function completedRuns(schedule: string, count: number): Promise<Listed['runs']> {
  return waitFor(
    `${count} completed run(s) of ${schedule}`,
    async () => {
      const r = await cli(['runs', schedule, '--format=json']);
      expect(r.exitCode, r.stderr).toBe(0);
      const runs = (JSON.parse(r.stdout) as Listed).runs;
      return runs.length >= count && runs.every((x) => x.status === 'COMPLETED') && runs;
    },
    { timeoutMs: 180_000, intervalMs: 1000 },
  );
}

beforeAll(async () => {
  dir = makeProject({});
  mkdirSync(path.join(dir, 'bin'));
  for (const [name, text] of [
    ['tap-ctx', TAP],
    ['target-null', TARGET],
  ] as const) {
    writeFileSync(path.join(dir, 'bin', name), text);
    chmodSync(path.join(dir, 'bin', name), 0o755);
  }
  writeFileSync(path.join(dir, 'meltano.yml'), project(dir));
  env = cliEnv(server.env, 'ctx', QUEUE);
  worker = startWorker(dir, server.env, QUEUE, { MELTANO_TEMPORAL_UI_URL: 'http://ui.example:8233' });
  await worker.ready;
  const sync = await cli(['sync']);
  expect(sync.exitCode, sync.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  await worker?.stop();
});

describe('run context', { timeout: 240_000 }, () => {
  it('a three-hour backfill of @hourly: each task gets its own slot as the end and the previous slot as the start', async () => {
    const r = await cli([
      'schedule',
      'backfill',
      'hourly',
      '--start',
      '2026-12-01T07:00:00Z',
      '--end',
      '2026-12-01T09:30:00Z',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const runs = await completedRuns('hourly', 3);
    const slots = ['07', '08', '09'].map((h) => `2026-12-01T${h}:00:00Z`);
    const previous = ['06', '07', '08'].map((h) => `2026-12-01T${h}:00:00Z`);
    expect(
      runs.map((x) => [x.workflowId, x.interval]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual(
      slots.map((slot, i) => [
        `${id('hourly')}-${slot}`,
        { scheduledTime: slot, start: previous[i], end: slot, kind: 'schedule' },
      ]),
    );

    // Two tasks per run, each with the run's interval in its env and in the extractor's config.
    const lines = seen('hourly.jsonl');
    expect(lines).toHaveLength(6);
    for (const [i, slot] of slots.entries()) {
      const ofRun = lines.filter((l) => l.env.MT_SCHEDULED_TIME === slot);
      expect(ofRun).toHaveLength(2);
      const run = runs.find((x) => x.workflowId === `${id('hourly')}-${slot}`);
      for (const line of ofRun) {
        expect(line.config).toEqual({ start_date: previous[i], end_date: slot });
        expect(line.env).toEqual({
          MT_SCHEDULED_TIME: slot,
          MT_INTERVAL_START: previous[i],
          MT_INTERVAL_END: slot,
          MT_INTERVAL_KIND: 'schedule',
          MT_SCHEDULE_ID: id('hourly'),
          MT_WORKFLOW_ID: `${id('hourly')}-${slot}`,
          MT_WORKFLOW_RUN_ID: run?.runId,
          MT_TASK_ATTEMPT: '1',
          MT_UI_URL: `http://ui.example:8233/namespaces/${server.namespace}/workflows/${encodeURIComponent(`${id('hourly')}-${slot}`)}/${run?.runId}/history`,
        });
      }
    }

    // The UI's current details of a run show its interval and what ran.
    const client = await server.client();
    const meta = await client.workflow
      .getHandle(`${id('hourly')}-${slots[1]}`)
      .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toContain(`**Interval** ${previous[1]} → ${slots[1]} (scheduled ${slots[1]})`);
    expect(meta.currentDetails).toMatch(
      /\*\*Ran\*\* config `[0-9a-f]{16}` \(meltano\.yml\), no git, meltano, version /u,
    );

    // The text form lists the intervals oldest first.
    const text = await cli(['runs', 'hourly']);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      [
        '  interval ✓ 2026-12-01 06:00Z → 2026-12-01 07:00Z',
        '           ✓ 2026-12-01 07:00Z → 2026-12-01 08:00Z',
        '           ✓ 2026-12-01 08:00Z → 2026-12-01 09:00Z',
      ].join('\n'),
    );
  });

  it('a daily schedule in Europe/Berlin: the slots are midnight in Berlin, from the server spec', async () => {
    const r = await cli([
      'schedule',
      'backfill',
      'berlin',
      '--start',
      '2026-11-30T22:30:00Z',
      '--end',
      '2026-11-30T23:30:00Z',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [run] = await completedRuns('berlin', 1);
    expect(run?.interval).toEqual({
      scheduledTime: '2026-11-30T23:00:00Z',
      start: '2026-11-29T23:00:00Z',
      end: '2026-11-30T23:00:00Z',
      kind: 'schedule',
    });
    expect(seen('berlin.jsonl').map((l) => l.config)).toEqual([
      { start_date: '2026-11-29T23:00:00Z', end_date: '2026-11-30T23:00:00Z' },
      { start_date: '2026-11-29T23:00:00Z', end_date: '2026-11-30T23:00:00Z' },
    ]);
  });

  it('a trigger stands for the time it was made: from the last slot before it to then', async () => {
    const before = seen('hourly.jsonl').length;
    const r = await cli(['schedule', 'run', 'hourly']);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = await waitFor('the triggered run’s two tasks', () => {
      const all = seen('hourly.jsonl');
      return all.length >= before + 2 && all.slice(before);
    });
    const end = lines[0]?.env.MT_INTERVAL_END ?? '';
    const endMs = Date.parse(end);
    expect(Math.abs(endMs - Date.now())).toBeLessThan(10 * 60_000);
    // The latest top of the hour strictly before the trigger.
    const hourBefore = Math.ceil(endMs / 3_600_000 - 1) * 3_600_000;
    expect(lines.map((l) => [l.env.MT_INTERVAL_START, l.env.MT_SCHEDULED_TIME])).toEqual([
      [new Date(hourBefore).toISOString().replace('.000Z', 'Z'), end],
      [new Date(hourBefore).toISOString().replace('.000Z', 'Z'), end],
    ]);
  });

  it('MELTANO_RUN_FULL_REFRESH in a schedule env gives a full refresh; "true" is not masked, the secrets are', async () => {
    // The runs above left a state for dev:tap-ctx-to-target-null; an incremental run gets it.
    expect(seen('hourly.jsonl').at(-1)?.state).toBe(true);
    const r = await cli(['schedule', 'run', 'weekly-full']);
    expect(r.exitCode, r.stderr).toBe(0);
    // Both tasks ran without the state: the real `meltano run` read the variable as --full-refresh.
    expect(seen('weekly-full.jsonl').map((l) => l.state)).toEqual([false, false]);
    const [run] = await completedRuns('weekly-full', 1);
    const logs = await cli(['runs', 'logs', run?.workflowId ?? '']);
    expect(logs.exitCode, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('tap-ctx: full refresh true, token ***, password ***');
    expect(logs.stdout + logs.stderr).not.toMatch(/hunter2-token|12345678/u);
    expect(worker.output()).toContain('tap-ctx: full refresh true, token ***, password ***');
    expect(worker.output()).not.toMatch(/hunter2-token|12345678/u);
  });

  it('runs retry of a failed backfilled run stands for the slot of the run it retries', async () => {
    writeFileSync(path.join(dir, 'fail-flag'), '');
    const r = await cli([
      'schedule',
      'backfill',
      'flaky',
      '--start',
      '2026-12-02T05:00:00Z',
      '--end',
      '2026-12-02T05:30:00Z',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const failed = await waitFor(
      'the backfilled run of flaky to fail',
      async () => {
        const out = await cli(['runs', 'flaky', '--format=json']);
        const runs = (JSON.parse(out.stdout) as Listed).runs;
        return runs.find((x) => x.status === 'FAILED');
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    const slot = {
      scheduledTime: '2026-12-02T05:00:00Z',
      start: '2026-12-02T04:00:00Z',
      end: '2026-12-02T05:00:00Z',
      kind: 'schedule',
    };
    expect(failed.interval).toEqual(slot);
    rmSync(path.join(dir, 'fail-flag'));
    const retry = await cli(['runs', 'retry', failed.workflowId]);
    expect(retry.exitCode, retry.stderr).toBe(0);
    const lines = seen('flaky.jsonl');
    // The failed attempt's first task, then the retry's two tasks: all on the original slot.
    expect(lines.map((l) => [l.env.MT_INTERVAL_START, l.env.MT_INTERVAL_END])).toEqual([
      [slot.start, slot.end],
      [slot.start, slot.end],
      [slot.start, slot.end],
    ]);
    expect(lines[2]?.env.MT_WORKFLOW_ID).not.toBe(failed.workflowId);
  });
});
