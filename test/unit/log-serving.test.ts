/**
 * The pieces behind `runs logs` from any host, on a real file system: a
 * worker's chunks of a run's logs (offsets, the byte budget, only the run's
 * own log files), and the copy into the shared archive.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLogChunks } from '../../src/logs/serve.js';
import { archivedRunDir, archiveTaskLog, logArchiveDir } from '../../src/logs/archive.js';
import { taskLogDir, taskLogPath } from '../../src/meltano/task-logs.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'mt-serve-'));

function writeLog(root: string, id: string, index: number, attempt: number, text: string): string {
  const file = taskLogPath(root, id, index, attempt);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const decoded = (data: string): string => Buffer.from(data, 'base64').toString('utf8');

describe('readLogChunks', () => {
  it('reads each file from its offset, within the budget, and says when more is left', async () => {
    const root = tmp();
    writeLog(root, 'wf/1', 0, 1, 'first attempt\n');
    writeLog(root, 'wf/1', 0, 2, 'second attempt ünïcode\n');
    writeLog(root, 'wf/1', 1, 1, 'task two\n');
    // Not a task log: never served.
    writeFileSync(path.join(taskLogDir(root, 'wf/1'), 'notes.txt'), 'secret');
    const dir = taskLogDir(root, 'wf/1');

    const all = await readLogChunks(dir, { workflowId: 'wf/1', offsets: {}, maxBytes: 1 << 20 });
    expect(all.more).toBe(false);
    expect(all.files.map((f) => [f.name, f.task, f.attempt, decoded(f.data)])).toEqual([
      ['task-1-attempt-1.log', 1, 1, 'first attempt\n'],
      ['task-1-attempt-2.log', 1, 2, 'second attempt ünïcode\n'],
      ['task-2-attempt-1.log', 2, 1, 'task two\n'],
    ]);

    // From offsets, one task, a budget that cuts inside a two-byte character: the bytes join up again.
    const bytes: Buffer[] = [];
    let requests = 0;
    const offsets: Record<string, number> = { 'task-1-attempt-2.log': 7 };
    for (let more = true; more;) {
      const chunk = await readLogChunks(dir, { workflowId: 'wf/1', task: 1, offsets: { ...offsets }, maxBytes: 9 });
      for (const f of chunk.files) {
        const b = Buffer.from(f.data, 'base64');
        if (f.name === 'task-1-attempt-2.log') bytes.push(b);
        offsets[f.name] = f.offset + b.length;
      }
      more = chunk.more;
      expect(++requests).toBeLessThan(10);
    }
    expect(Buffer.concat(bytes).toString('utf8')).toBe('attempt ünïcode\n');
    expect(offsets['task-1-attempt-1.log']).toBe('first attempt\n'.length);
  });

  it('a run without logs on this worker: no files', async () => {
    const root = tmp();
    const r = await readLogChunks(taskLogDir(root, 'nope'), { workflowId: 'nope', offsets: {}, maxBytes: 100 });
    expect(r).toEqual({ dir: taskLogDir(root, 'nope'), files: [], more: false });
  });
});

describe('the log archive', () => {
  it('copies a finished log under the run folder, leaving no partial file', async () => {
    const root = tmp();
    const archive = path.join(tmp(), 'shared');
    const file = writeLog(root, 'meltano:p:dev:s-1', 0, 1, 'done\n');
    const copied = await archiveTaskLog(archive, 'meltano:p:dev:s-1', file);
    expect(copied).toBe(path.join(archivedRunDir(archive, 'meltano:p:dev:s-1'), 'task-1-attempt-1.log'));
    expect(readFileSync(copied, 'utf8')).toBe('done\n');
    expect(readdirSync(path.dirname(copied))).toEqual(['task-1-attempt-1.log']);
    expect(existsSync(path.join(archive, 'meltano_p_dev_s-1'))).toBe(true);
  });

  it('MELTANO_TEMPORAL_LOG_ARCHIVE: unset or blank is no archive; a relative folder is made absolute', () => {
    expect(logArchiveDir({})).toBeUndefined();
    expect(logArchiveDir({ MELTANO_TEMPORAL_LOG_ARCHIVE: '  ' })).toBeUndefined();
    expect(logArchiveDir({ MELTANO_TEMPORAL_LOG_ARCHIVE: 'shared/logs' })).toBe(path.resolve('shared/logs'));
  });
});
