/**
 * Task logs (`.meltano/logs/temporal/<workflow id>/task-N-attempt-K.log`)
 * kept for a retention period, then deleted by the worker, so they never
 * fill the disk. A run's directory goes once its newest file is older than
 * the retention; nothing outside `.meltano/logs/temporal` is ever touched.
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

export function taskLogRoot(projectRoot: string): string {
  return path.join(projectRoot, '.meltano', 'logs', 'temporal');
}

export interface PruneReport {
  removed: string[];
  kept: number;
}

/** Newest modification time of the files in a run's directory (the directory's own when it holds none). */
async function newestMtime(dir: string): Promise<number> {
  let newest: number | undefined;
  for (const name of await readdir(dir)) {
    const s = await lstat(path.join(dir, name)).catch(() => undefined);
    if (s && (newest === undefined || s.mtimeMs > newest)) newest = s.mtimeMs;
  }
  return newest ?? (await lstat(dir)).mtimeMs;
}

export function pruneTaskLogs(projectRoot: string, retentionMs: number, now = Date.now()): Promise<PruneReport> {
  return pruneRunDirs(taskLogRoot(projectRoot), retentionMs, now);
}

/** Remove the run folders directly under `root` (a project's log folder, or the shared archive) past retention. */
export async function pruneRunDirs(root: string, retentionMs: number, now = Date.now()): Promise<PruneReport> {
  const report: PruneReport = { removed: [], kept: 0 };
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return report; // no logs yet
  }
  for (const name of names) {
    const dir = path.join(root, name);
    const s = await lstat(dir).catch(() => undefined);
    // Only the run directories this tool makes; a symlink is never followed.
    if (!s?.isDirectory()) continue;
    if (now - (await newestMtime(dir)) > retentionMs) {
      await rm(dir, { recursive: true, force: true });
      report.removed.push(name);
    } else {
      report.kept++;
    }
  }
  return report;
}

export interface LogPruner {
  stop(): void;
}

/** Prune now, then every `everyMs` (default hourly), reporting each pass that removed something. */
export function startLogPruner(options: {
  projectRoot: string;
  /** Prune this folder of run folders instead of the project's (the shared log archive). */
  logRoot?: string;
  retentionMs: number;
  everyMs?: number;
  onPrune?: (report: PruneReport) => void;
  onError?: (err: unknown) => void;
}): LogPruner {
  // One pass at a time: on a slow disk or a busy host a pass can outlast the interval, and two
  // passes over the same folders would both remove (and report) the same run's logs.
  let running = false;
  const pass = (): void => {
    if (running) return;
    running = true;
    (options.logRoot
      ? pruneRunDirs(options.logRoot, options.retentionMs)
      : pruneTaskLogs(options.projectRoot, options.retentionMs)
    )
      .then(
        (r) => options.onPrune?.(r),
        (err: unknown) => options.onError?.(err),
      )
      .finally(() => {
        running = false;
      });
  };
  pass();
  const timer = setInterval(pass, options.everyMs ?? 3_600_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
