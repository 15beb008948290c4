/** Task logs on a real file system: created on the first line only, pruned after the retention. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TaskLog } from '../../src/meltano/task-log.js';
import { pruneTaskLogs, startLogPruner, taskLogRoot, type PruneReport } from '../../src/logs/retention.js';

const DAY = 86_400_000;

function runDir(root: string, id: string, ageMs: number, files: string[] = ['task-1-attempt-1.log']): string {
  const dir = path.join(taskLogRoot(root), id);
  mkdirSync(dir, { recursive: true });
  const t = (Date.now() - ageMs) / 1000;
  for (const f of files) {
    writeFileSync(path.join(dir, f), 'line\n');
    utimesSync(path.join(dir, f), t, t);
  }
  utimesSync(dir, t, t);
  return dir;
}

describe('TaskLog', () => {
  it('creates nothing until the first line, then appends lines', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mt-log-'));
    const file = path.join(taskLogRoot(root), 'wf-1', 'task-1-attempt-1.log');
    const quiet = new TaskLog(file);
    await quiet.end();
    expect(quiet.written).toBe(false);
    expect(existsSync(path.dirname(file))).toBe(false);
    const log = new TaskLog(file);
    log.write('one');
    log.write('two');
    await log.end();
    expect(log.written).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n');
  });
});

describe('pruneTaskLogs', () => {
  it('removes run directories whose newest file is older than the retention, keeps the rest', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mt-prune-'));
    const old = runDir(root, 'old-run', 10 * DAY, ['task-1-attempt-1.log', 'task-2-attempt-1.log']);
    const recent = runDir(root, 'recent-run', 1 * DAY);
    // Writing a file touches its directory: only the files' own times count.
    const touched = runDir(root, 'touched-run', 10 * DAY);
    const now = Date.now() / 1000;
    utimesSync(touched, now, now);
    // An old run with one recent retry log: its newest file counts.
    const mixed = runDir(root, 'mixed-run', 10 * DAY);
    const t = (Date.now() - DAY) / 1000;
    writeFileSync(path.join(mixed, 'task-1-attempt-2.log'), 'x\n');
    utimesSync(path.join(mixed, 'task-1-attempt-2.log'), t, t);
    const emptyOld = runDir(root, 'empty-old', 10 * DAY, []);
    // Outside the run directories nothing is touched, and a symlink is not followed.
    const outside = mkdtempSync(path.join(os.tmpdir(), 'mt-outside-'));
    writeFileSync(path.join(outside, 'keep.txt'), 'keep');
    symlinkSync(outside, path.join(taskLogRoot(root), 'link'));
    const otherLog = path.join(root, '.meltano', 'logs', 'elt', 'x.log');
    mkdirSync(path.dirname(otherLog), { recursive: true });
    writeFileSync(otherLog, 'meltano log');

    const report = await pruneTaskLogs(root, 7 * DAY);
    expect(report.removed.sort()).toEqual(['empty-old', 'old-run', 'touched-run']);
    expect(report.kept).toBe(2);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(emptyOld)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(mixed)).toBe(true);
    expect(readFileSync(path.join(outside, 'keep.txt'), 'utf8')).toBe('keep');
    expect(readFileSync(otherLog, 'utf8')).toBe('meltano log');
    expect(await pruneTaskLogs(root, 7 * DAY)).toEqual({ removed: [], kept: 2 });
  });

  it('a project without task logs is fine', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mt-prune-'));
    expect(await pruneTaskLogs(root, DAY)).toEqual({ removed: [], kept: 0 });
  });

  it('the pruner runs at once and then on its interval', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mt-pruner-'));
    runDir(root, 'a', 3 * DAY);
    const reports: PruneReport[] = [];
    const pruner = startLogPruner({
      projectRoot: root,
      retentionMs: DAY,
      everyMs: 50,
      onPrune: (r) => reports.push(r),
    });
    await new Promise((r) => setTimeout(r, 30));
    runDir(root, 'b', 3 * DAY);
    await new Promise((r) => setTimeout(r, 200));
    pruner.stop();
    expect(reports[0]?.removed).toEqual(['a']);
    expect(reports.flatMap((r) => r.removed)).toEqual(['a', 'b']);
  });
});
