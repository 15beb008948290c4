/**
 * The worker's side of reading task logs from another host: a chunk of each
 * of a run's log files from the offsets the reader has, within a byte budget.
 * Only the `task-N-attempt-K.log` files of the run's own folder are read
 * (the folder comes from the workflow id, never a path from the request).
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { listLogFiles } from '../meltano/task-logs.js';
import type { ReadTaskLogInput, ReadTaskLogResult } from '../../workflows/types.js';

export async function readLogChunks(dir: string, input: ReadTaskLogInput): Promise<ReadTaskLogResult> {
  const result: ReadTaskLogResult = { dir, files: [], more: false };
  let budget = Math.max(1, input.maxBytes);
  for (const log of listLogFiles(dir, input.task)) {
    const name = path.basename(log.file);
    const offset = Math.max(0, input.offsets[name] ?? 0);
    const handle = await open(log.file, 'r');
    try {
      const { size } = await handle.stat();
      const want = Math.min(Math.max(0, size - offset), budget);
      const buf = Buffer.alloc(want);
      const { bytesRead } = want ? await handle.read(buf, 0, want, offset) : { bytesRead: 0 };
      budget -= bytesRead;
      if (offset + bytesRead < size) result.more = true;
      result.files.push({
        name,
        task: log.task,
        attempt: log.attempt,
        offset,
        size,
        data: buf.subarray(0, bytesRead).toString('base64'),
      });
    } finally {
      await handle.close();
    }
    if (budget <= 0) {
      result.more = true;
      break;
    }
  }
  return result;
}
