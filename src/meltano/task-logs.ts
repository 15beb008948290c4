/**
 * The task log files a worker writes for each run, one per task attempt:
 * `<project>/.meltano/logs/temporal/<workflow id>/task-<n>-attempt-<k>.log`
 * (the workflow id with anything but letters, digits, `.`, `_`, `-` turned
 * into `_`). Reading them for `runs logs`: list, print masked, and follow a
 * growing file (and the attempts and tasks that start after it) until the
 * run is over.
 */
import { existsSync, readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export interface TaskLog {
  /** 1-based task position in the job. */
  task: number;
  attempt: number;
  file: string;
  /** How the header names it when `file` is a local copy (`worker pid@host: /its/path`). */
  shownAs?: string;
}

const LOG_NAME = /^task-(\d+)-attempt-(\d+)\.log$/u;

/** The folder name of a run's logs (under the project's log folder, or the shared log archive). */
export function runDirName(workflowId: string): string {
  return workflowId.replace(/[^A-Za-z0-9._-]+/gu, '_');
}

export function taskLogDir(root: string, workflowId: string): string {
  return path.join(root, '.meltano', 'logs', 'temporal', runDirName(workflowId));
}

/** Where attempt `attempt` of the task at 0-based `index` writes its output. */
export function taskLogPath(root: string, workflowId: string, index: number, attempt: number): string {
  return path.join(taskLogDir(root, workflowId), `task-${index + 1}-attempt-${attempt}.log`);
}

/** The run's log files in task, then attempt order; `task` (1-based) keeps that task's only. */
export function listTaskLogs(root: string, workflowId: string, task?: number): TaskLog[] {
  return listLogFiles(taskLogDir(root, workflowId), task);
}

/** The task log files in one run folder, in task, then attempt order. */
export function listLogFiles(dir: string, task?: number): TaskLog[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => {
      const m = LOG_NAME.exec(name);
      return m ? { task: Number(m[1]), attempt: Number(m[2]), file: path.join(dir, name) } : undefined;
    })
    .filter((l): l is TaskLog => l !== undefined && (task === undefined || l.task === task))
    .sort((a, b) => a.task - b.task || a.attempt - b.attempt);
}

export interface PrintOptions {
  /** Applied to every line before it is written (schedule env values). */
  mask: (line: string) => string;
  write: (text: string) => void;
  /** 1-based task; all tasks when omitted. */
  task?: number;
  /** The files to read (default: the run's folder in the project); asked again on every pass. */
  list?: () => TaskLog[];
  /** Keep reading until `done()` says the run is over, printing what the files gain. */
  follow?: {
    done: () => Promise<boolean> | boolean;
    signal?: AbortSignal;
    /** How often the files are read (default 250 ms); `done()` is asked at most once a second. */
    pollMs?: number;
  };
}

/** One file being read: where we are, and the last line still without its newline. */
interface Cursor {
  offset: number;
  partial: string;
  decoder: StringDecoder;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal?.addEventListener('abort', wake, { once: true });
  });
}

function header(log: TaskLog): string {
  return `==> task ${log.task}, attempt ${log.attempt}: ${log.shownAs ?? log.file} <==\n`;
}

/**
 * Print the run's task logs. Returns the logs printed (empty: nothing found,
 * and nothing appeared while following). With several files, each starts
 * with a `==> task N, attempt K: FILE <==` line, as `tail` does.
 */
export async function printTaskLogs(root: string, workflowId: string, options: PrintOptions): Promise<TaskLog[]> {
  const cursors = new Map<string, Cursor>();
  const printed: TaskLog[] = [];
  let current: string | undefined;
  const list = options.list ?? ((): TaskLog[] => listTaskLogs(root, workflowId, options.task));
  const multiple = (): boolean => options.follow !== undefined || list().length > 1;

  const emit = (log: TaskLog, text: string): void => {
    if (current !== log.file) {
      if (multiple()) options.write(`${printed.length ? '\n' : ''}${header(log)}`);
      current = log.file;
      if (!printed.some((l) => l.file === log.file)) printed.push(log);
    }
    options.write(text);
  };

  /** Read what each file gained since last time; `flush` also prints a last line without newline. */
  const drain = async (flush: boolean): Promise<boolean> => {
    let gained = false;
    for (const log of list()) {
      let cursor = cursors.get(log.file);
      if (!cursor) {
        cursor = { offset: 0, partial: '', decoder: new StringDecoder('utf8') };
        cursors.set(log.file, cursor);
      }
      const handle = await open(log.file, 'r');
      try {
        const buf = Buffer.alloc(64 * 1024);
        for (;;) {
          const { bytesRead } = await handle.read(buf, 0, buf.length, cursor.offset);
          if (!bytesRead) break;
          cursor.offset += bytesRead;
          gained = true;
          const text = cursor.partial + cursor.decoder.write(buf.subarray(0, bytesRead));
          const end = text.lastIndexOf('\n');
          cursor.partial = text.slice(end + 1);
          if (end >= 0) {
            const lines = text.slice(0, end).split('\n');
            emit(log, lines.map((l) => `${options.mask(l)}\n`).join(''));
          }
        }
      } finally {
        await handle.close();
      }
      if (flush && cursor.partial) {
        emit(log, `${options.mask(cursor.partial)}\n`);
        cursor.partial = '';
      }
    }
    return gained;
  };

  if (!options.follow) {
    await drain(true);
    return printed;
  }
  const { done, signal, pollMs = 250 } = options.follow;
  let lastCheck = 0;
  for (;;) {
    const gained = await drain(false);
    if (signal?.aborted) break;
    if (!gained && Date.now() - lastCheck >= 1000) {
      lastCheck = Date.now();
      if (await done()) {
        // The run is over: whatever was written before it ended is on disk now.
        await drain(true);
        break;
      }
    }
    await sleep(pollMs, signal);
  }
  return printed;
}
