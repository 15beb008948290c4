/**
 * Custom workflows (orchestrate/workflows/*.ts) on a real dev server and a real worker process:
 * a workflow that runs two tasks at once and a third after both, scheduled by
 * `annotations.temporal.workflow` and triggered with `temporal schedule trigger`; a broken file
 * reported with file and line while the project's own schedule still runs; `workflows check`
 * naming a run an incompatible edit would break, and passing once the edit is guarded with
 * `patched()`; `sync` refusing an unknown name. `meltano` is a stand-in that stamps each task's
 * start and end.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject, writeScript } from '../helpers/project.js';
import { ours, TEMPORAL } from '../helpers/run.js';
import { sharedServer } from '../helpers/temporal.js';
import { type WorkerProcess, workersOfFile } from '../helpers/worker.js';
import { waitFor, waitForOutput } from '../helpers/wait.js';
import type { RunRow } from '../../src/temporal/runs.js';

const server = sharedServer();
let client: Client;
const workers = workersOfFile();

beforeAll(async () => {
  client = await server.client();
});

/**
 * A project whose `meltano` stamps `start|end <task> <ms>` into stamps.txt and writes the run context it got
 * (its MT_* variables) to env-<task>.txt; `noop:slow*` tasks take 1.5 s.
 */
function standInProject(files: Record<string, string>): string {
  const dir = makeProject({
    'meltano.yml': `plugins:
  utilities:
  - name: noop
    namespace: noop
${files['meltano.yml'] ?? ''}`,
    ...Object.fromEntries(Object.entries(files).filter(([k]) => k !== 'meltano.yml')),
  });
  writeScript(
    dir,
    `#!/bin/sh
task=""
for a in "$@"; do case "$a" in noop:*) task="$a" ;; esac; done
echo "start $task $(date +%s%3N)" >> '${dir}/stamps.txt'
env | grep '^MT_' | sort > '${dir}/env-'"$task"'.txt'
case "$task" in noop:slow*) sleep 1.5 ;; esac
echo "output of $task"
echo "end $task $(date +%s%3N)" >> '${dir}/stamps.txt'
`,
  );
  writeFileSync(path.join(dir, 'stamps.txt'), '');
  return dir;
}

/** The MT_* variables the last run of `task` saw. */
const runContextOf = (dir: string, task: string): Record<string, string> =>
  Object.fromEntries(
    readFileSync(path.join(dir, `env-${task}.txt`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

const stamps = (dir: string): Array<{ kind: string; task: string; at: number }> =>
  readFileSync(path.join(dir, 'stamps.txt'), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [kind = '', task = '', at = '0'] = l.split(' ');
      return { kind, task, at: Number(at) };
    });

function worker(dir: string, queue: string): WorkerProcess {
  return workers.start(dir, server.env, queue, { MELTANO_BIN: path.join(dir, 'meltano-stand-in') });
}

const FAN_IN = `import { meltanoRun, scheduledTime } from 'meltano-temporal/workflow';

/** Two extract-loads at once, then a third task after both. */
export async function fanIn(): Promise<string> {
  const [a, b] = await Promise.all([meltanoRun('noop:slow-a'), meltanoRun('noop:slow-b')]);
  const c = await meltanoRun('noop:after');
  return [a.exitCode, b.exitCode, c.exitCode, scheduledTime().getFullYear() > 2000].join(',');
}
`;

describe('custom workflows', () => {
  it('a schedule starts a custom workflow: two tasks at once, a third after both; the run completes and runs lists it', async () => {
    const queue = `custom-fan-${process.pid}`;
    const dir = standInProject({
      'meltano.yml': `jobs:
- name: fan
  tasks:
  - noop:slow-a
schedules:
- name: fan-in
  interval: '@daily'
  job: fan
  annotations:
    temporal:
      workflow: fanIn
`,
      'orchestrate/workflows/fan-in.ts': FAN_IN,
    });
    const env = { ...server.env, MELTANO_TEMPORAL_TASK_QUEUE: queue };
    const listed = await ours(dir, ['workflows', 'list', '--format=json']);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      folder: 'orchestrate/workflows',
      workflows: [{ name: 'fanIn', file: 'orchestrate/workflows/fan-in.ts', line: 4, schedules: ['fan-in'] }],
    });
    const text = await ours(dir, ['workflows', 'list']);
    console.log(`workflows list:\n${text.stdout}`);

    const synced = await ours(dir, ['sync'], env);
    expect(synced.exitCode, synced.stderr + synced.stdout).toBe(0);
    const w = worker(dir, queue);
    await w.ready;
    expect(w.output()).toMatch(/custom workflows: fanIn from orchestrate\/workflows/u);

    let scheduleId = '';
    for await (const s of client.schedule.list()) if (s.scheduleId.endsWith(':fan-in')) scheduleId = s.scheduleId;
    const description = await client.schedule.getHandle(scheduleId).describe();
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'fanIn' });
    const trigger = await execa(TEMPORAL, [
      ...['schedule', 'trigger', '--schedule-id', scheduleId],
      ...['--address', server.address, '--namespace', server.namespace],
    ]);
    expect(trigger.exitCode).toBe(0);

    const run = await waitFor(
      'the triggered run',
      async () => {
        const d = await client.schedule.getHandle(scheduleId).describe();
        return d.info.recentActions[0]?.action.workflow;
      },
      60_000,
    );
    const result = await client.workflow.getHandle(run.workflowId).result();
    expect(result).toBe('0,0,0,true');

    // Each task's log, as for a job's run.
    const logs = await ours(dir, ['runs', 'logs', run.workflowId], env);
    expect(logs.exitCode, logs.stderr).toBe(0);
    for (const task of ['noop:slow-a', 'noop:slow-b', 'noop:after']) expect(logs.stdout).toContain(`output of ${task}`);

    // Each task got the run context a job's task gets (docs/run-context.md): a trigger of an @daily schedule
    // stands for the time it was made, its interval starts at the day's slot; one context for every task.
    const contexts = ['noop:slow-a', 'noop:slow-b', 'noop:after'].map((task) => runContextOf(dir, task));
    const first = contexts[0] ?? {};
    for (const c of contexts) expect(c).toEqual({ ...first, MT_TASK_ATTEMPT: '1' });
    expect(first).toMatchObject({
      MT_SCHEDULE_ID: scheduleId,
      MT_WORKFLOW_ID: run.workflowId,
      MT_WORKFLOW_RUN_ID: run.firstExecutionRunId,
      MT_INTERVAL_KIND: 'schedule',
      MT_INTERVAL_END: first.MT_SCHEDULED_TIME,
    });
    expect(first.MT_SCHEDULED_TIME).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/u);
    expect(first.MT_INTERVAL_START).toBe(`${(first.MT_SCHEDULED_TIME ?? '').slice(0, 10)}T00:00:00Z`);

    const s = stamps(dir);
    const at = (kind: string, task: string): number => s.find((x) => x.kind === kind && x.task === task)?.at ?? NaN;
    // Both slow tasks started before either ended (at once), and the third started after both ended.
    expect(Math.max(at('start', 'noop:slow-a'), at('start', 'noop:slow-b'))).toBeLessThan(
      Math.min(at('end', 'noop:slow-a'), at('end', 'noop:slow-b')),
    );
    expect(at('start', 'noop:after')).toBeGreaterThanOrEqual(
      Math.max(at('end', 'noop:slow-a'), at('end', 'noop:slow-b')),
    );

    const runs = await waitFor(
      'runs to list the completed custom run',
      async () => {
        const r = await ours(dir, ['runs', '--format=json'], env);
        const rows = JSON.parse(r.stdout || '{"runs":[]}') as { runs: Array<{ workflowId: string; status: string }> };
        return rows.runs.find((x) => x.workflowId === run.workflowId && x.status === 'COMPLETED') ? r : undefined;
      },
      60_000,
    );
    const row = (JSON.parse(runs.stdout) as { runs: RunRow[] }).runs.find((x) => x.workflowId === run.workflowId);
    expect(row).toMatchObject({ schedule: 'fan-in', workflowType: 'fanIn', status: 'COMPLETED' });
    // `schedule run` triggers and follows it as any schedule's run.
    const manual = await ours(dir, ['schedule', 'run', 'fan-in'], env);
    expect(manual.exitCode, manual.stderr + manual.stdout).toBe(0);
    console.log(`schedule run fan-in:\n${manual.stdout}\n${manual.stderr}`);
    expect(stamps(dir).filter((x) => x.kind === 'end')).toHaveLength(6);
    const strip = await ours(dir, ['runs'], env);
    console.log(`runs --format=json:\n${runs.stdout}\nruns:\n${strip.stdout}`);
    expect(strip.stdout).toContain('fan-in');

    // Started by hand without a schedule's input: no interval to go by, an empty one at its start (kind none).
    const byHand = await client.workflow.start('fanIn', { taskQueue: queue, workflowId: `fan-in-by-hand-${queue}` });
    expect(await byHand.result()).toBe('0,0,0,true');
    const bare = runContextOf(dir, 'noop:after');
    expect(bare).toMatchObject({ MT_WORKFLOW_ID: byHand.workflowId, MT_INTERVAL_KIND: 'none' });
    expect(bare.MT_SCHEDULE_ID).toBeUndefined();
    expect(bare.MT_INTERVAL_START).toBe(bare.MT_SCHEDULED_TIME);
    expect(bare.MT_INTERVAL_END).toBe(bare.MT_SCHEDULED_TIME);
  }, 240_000);

  it('sync refuses a schedule naming a workflow no file exports, with the file, the entry and the fix', async () => {
    const dir = standInProject({
      'meltano.yml': `jobs:
- name: fan
  tasks:
  - noop:a
schedules:
- name: typo
  interval: '@daily'
  job: fan
  annotations:
    temporal:
      workflow: fanOut
`,
      'orchestrate/workflows/fan-in.ts': FAN_IN,
    });
    const r = await ours(dir, ['sync'], { ...server.env, MELTANO_TEMPORAL_TASK_QUEUE: `custom-typo-${process.pid}` });
    expect(r.exitCode).not.toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain("meltano.yml: schedule 'typo' annotations.temporal.workflow: names 'fanOut'");
    expect(out).toContain('found: fanIn');
    expect(out).toContain('workflows list');
  }, 60_000);

  it('a file that does not compile is reported with its file and line; the project job schedule still runs on that worker', async () => {
    const queue = `custom-broken-${process.pid}`;
    const dir = standInProject({
      'meltano.yml': `jobs:
- name: plain
  tasks:
  - noop:plain
schedules:
- name: plain
  interval: '@daily'
  job: plain
`,
      'orchestrate/workflows/broken.ts': `import { meltanoRun } from 'meltano-temporal/workflow';
export async function broken(): Promise<void> {
  const x: number = ;
  await meltanoRun('noop:x');
}
`,
    });
    const env = { ...server.env, MELTANO_TEMPORAL_TASK_QUEUE: queue };
    expect((await ours(dir, ['sync'], env)).exitCode).toBe(0);
    const w = worker(dir, queue);
    await w.ready;
    await waitForOutput(w, 'orchestrate/workflows/broken.ts:3', { what: 'the broken file reported with its line' });
    expect(w.output()).toMatch(/broken\.ts:3: Expression expected/u);
    const listed = await ours(dir, ['workflows', 'list', '--compile']);
    expect(listed.exitCode).toBe(1);
    expect(listed.stdout).toContain('problem: orchestrate/workflows/broken.ts:3: Expression expected');
    const r = await ours(dir, ['schedule', 'run', 'plain'], env);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(stamps(dir).map((x) => `${x.kind} ${x.task}`)).toEqual(['start noop:plain', 'end noop:plain']);
  }, 240_000);

  it('a file importing a Node module is reported with its file and line', async () => {
    const dir = standInProject({
      'orchestrate/workflows/reads-files.js': `// reads a file: not allowed in a workflow
import { readFileSync } from 'node:fs';
export async function readsFiles() {
  return readFileSync('/etc/hostname', 'utf8');
}
`,
    });
    const listed = await ours(dir, ['workflows', 'list', '--compile', '--format=json']);
    expect(listed.exitCode).toBe(1);
    expect(JSON.parse(listed.stdout).problems).toEqual([
      expect.objectContaining({ file: 'orchestrate/workflows/reads-files.js', line: 2 }),
    ]);
  }, 120_000);

  it('workflows check names a run an incompatible edit would break, and passes once the edit is guarded with patched()', async () => {
    const queue = `custom-check-${process.pid}`;
    const file = 'orchestrate/workflows/steps.ts';
    const original = `import { meltanoRun } from 'meltano-temporal/workflow';
export async function steps(): Promise<void> {
  await meltanoRun('noop:one');
  await meltanoRun('noop:two');
}
`;
    const dir = standInProject({ [file]: original });
    const env = { ...server.env, MELTANO_TEMPORAL_TASK_QUEUE: queue };
    const w = worker(dir, queue);
    await w.ready;
    const handle = await client.workflow.start('steps', { taskQueue: queue, workflowId: `steps-${queue}`, args: [{}] });
    await handle.result();

    const passes = await ours(dir, ['workflows', 'check'], env);
    expect(passes.exitCode, passes.stderr + passes.stdout).toBe(0);
    expect(passes.stdout).toContain(`ok      steps  steps-${queue} (completed)`);

    writeFileSync(
      path.join(dir, file),
      original.replace(
        "  await meltanoRun('noop:one');",
        "  await meltanoRun('noop:zero');\n  await meltanoRun('noop:one');",
      ),
    );
    const breaks = await ours(dir, ['workflows', 'check'], env);
    expect(breaks.exitCode).toBe(1);
    expect(breaks.stdout).toContain(`BREAKS  steps  steps-${queue} (completed)`);
    expect(breaks.stderr).toContain('1 would break');

    writeFileSync(
      path.join(dir, file),
      `import { patched } from '@temporalio/workflow';
${original.replace("  await meltanoRun('noop:one');", "  if (patched('add-zero')) await meltanoRun('noop:zero');\n  await meltanoRun('noop:one');")}`,
    );
    const guarded = await ours(dir, ['workflows', 'check', '--format=json'], env);
    expect(guarded.exitCode, guarded.stdout).toBe(0);
    expect(JSON.parse(guarded.stdout)).toMatchObject({
      runs: [{ workflowType: 'steps', workflowId: `steps-${queue}` }],
    });
    expect(JSON.parse(guarded.stdout).runs[0].error).toBeUndefined();
  }, 240_000);
});
