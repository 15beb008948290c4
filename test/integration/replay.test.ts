/**
 * The workflow as built now replays histories recorded by earlier versions,
 * so runs in flight during an upgrade finish on the new workers.
 * `test/fixtures/histories/v1-*.binpb` were recorded (real dev server, real
 * worker) with the workflow before named steps and current details existed:
 * a completed two-task run and a run whose task failed after its retries.
 * `activity-resolve-*` hold `resolveJob` as a plain activity (before
 * `local-resolve-v1`), `activity-notify-*` the notifications as plain
 * `notifyRun` activities (before `local-notify-v1`): a failure alert, and a
 * `late` alert while the task ran followed by a success message.
 * `pool-after-v1-*`, `after-v1-*` and `pool-v1-*` hold the pipelines (docs/pipelines.md), recorded on a
 * dev server: two upstream runs in a pool of one (one waited), the downstream they released, a failed
 * upstream that held it back, and the `meltanoPool` and `meltanoAfter` workflows themselves.
 * `oncall-*` were recorded with `pause-after-failures-v1` and `skip-tasks-v1`: a task
 * failed as stalled after its retries, the third failed run in a row pausing its schedule
 * (its memo upsert and the `paused` notice), and a `runs retry --skip-task 1`.
 * `parallel-group-v1-*` hold a job with a parallel group (`parallel-group-v1`): three items run together,
 * one failing while its siblings finish, and the `runs retry` that re-ran only it.
 * The replay runs in its own process, like a user would before an upgrade
 * (scripts/replay-histories.ts).
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import proto from '@temporalio/proto';
import path from 'node:path';
import { REPO_ROOT, requireFile } from '../helpers/run.js';

const SCRIPT = path.join(REPO_ROOT, 'dist', 'scripts', 'replay-histories.js');
const DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'histories');

describe('replay of recorded histories', () => {
  it('every recorded history replays on the current bundle without nondeterminism', async () => {
    requireFile(SCRIPT, 'run `npm run build`');
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.binpb'))
      .map((f) => path.join(DIR, f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const r = await execa('node', [SCRIPT, ...files], { reject: false });
    expect(r.stdout.split('\n').filter((l) => l.startsWith('ok '))).toHaveLength(files.length);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  });

  it('a history the workflow cannot produce is reported (the check can fail)', async () => {
    requireFile(SCRIPT, 'run `npm run build`');
    const history = proto.temporal.api.history.v1.History.decode(readFileSync(path.join(DIR, 'v1-completed.binpb')));
    const scheduled = history.events?.find(
      (e) => e.activityTaskScheduledEventAttributes,
    )?.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType) scheduled.activityType.name = 'someOtherActivity';
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'replay-')), 'changed.binpb');
    writeFileSync(file, proto.temporal.api.history.v1.History.encode(history).finish());
    const r = await execa('node', [SCRIPT, file], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/FAILED .*changed\.binpb/u);
  });
});
