/**
 * `schedule run --local` applies the same stall_timeout a worker would: a
 * task that prints once and hangs is stopped (its whole process tree, a
 * grandchild in a session of its own too) and the run fails as stalled.
 * No Temporal server; the task is a stand-in for `meltano` (MELTANO_BIN).
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProject } from '../helpers/project.js';
import { ours } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

const STAND_IN = `#!/bin/sh
dir=$(dirname "$0")
echo "stand-in: started, now waiting on an API that never answers"
setsid sleep 600 &
echo "$$ $!" >> "$dir/pids"
exec sleep 600
`;

describe('schedule run --local with stall_timeout', { timeout: 120_000 }, () => {
  it('stops a silent task and its process tree, and fails as stalled', async () => {
    const dir = makeProject({});
    writeFileSync(
      path.join(dir, 'meltano.yml'),
      `annotations: {temporal: {stall_timeout: 3s}}
jobs:
- name: one
  tasks: [tap-a target-x]
schedules:
- name: stuck
  interval: '@daily'
  job: one
`,
    );
    const standIn = path.join(dir, 'meltano-stand-in');
    writeFileSync(standIn, STAND_IN);
    chmodSync(standIn, 0o755);
    const r = await ours(dir, ['schedule', 'run', 'stuck', '--local'], {
      MELTANO_BIN: standIn,
      MELTANO_TEMPORAL_STOP_GRACE_MS: '2000',
    });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toContain("meltano run 'tap-a target-x' stalled: no output for");
    expect(r.stdout + r.stderr).toContain('(stall_timeout 3s)');
    const pids = readFileSync(path.join(dir, 'pids'), 'utf8').trim().split(/\s+/u).map(Number);
    expect(pids).toHaveLength(2);
    await waitFor('the stalled task’s processes to be gone', () => pids.every((p) => !existsSync(`/proc/${p}`)), {
      timeoutMs: 20_000,
    });
  });
});
