/** Process trees from /proc: who descends from a pid, and what the whole tree costs in memory. */
import { readFileSync, readdirSync } from 'node:fs';

/** `root` and every live process descending from it (parent links read from /proc/<pid>/stat). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/u.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces and parentheses): state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      /* exited while listing */
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift() as number;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/**
 * When the process started (clock ticks since boot), or undefined when it is
 * gone: with the pid, it names one process, so a recycled pid is never signalled.
 */
export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Sends `signal` to each recorded process that is still the same process (pid and start time). */
export function signalRecorded(recorded: Map<number, string>, signal: NodeJS.Signals): void {
  for (const [pid, started] of recorded) {
    if (startTime(pid) !== started) continue;
    try {
      process.kill(pid, signal);
    } catch {
      /* exited meanwhile */
    }
  }
}

/** Whether one of the recorded processes is still alive in process group `pgid` (so the group is still ours). */
export function recordedGroupAlive(recorded: Map<number, string>, pgid: number): boolean {
  for (const [pid, started] of recorded) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[19] === started && Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      /* gone */
    }
  }
  return false;
}

/** Adds `root`'s live tree to `recorded` (pid -> start time). */
export function recordTree(root: number, recorded: Map<number, string>): void {
  for (const pid of descendants(root)) {
    const started = startTime(pid);
    if (started !== undefined && !recorded.has(pid)) recorded.set(pid, started);
  }
}

/** One /proc/<pid>/smaps_rollup field in KiB (0 when the process is gone). */
function rollupKiB(pid: number, field: 'Pss' | 'Rss'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'mu').exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return Number(m?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export interface TreeMemory {
  /** Proportional set size of the whole tree: shared pages counted once across it, so the sum is meaningful. */
  pssKiB: number;
  /** Processes (not threads) in the tree, the root included. */
  processes: number;
  /** PSS by process name (/proc/<pid>/comm: `node`, `temporal`, ...), so a total shows whose part is whose. */
  byName: Record<string, number>;
}

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

export function treeMemory(root: number): TreeMemory {
  const pids = descendants(root).filter((pid) => rollupKiB(pid, 'Rss') > 0);
  const byName: Record<string, number> = {};
  let pssKiB = 0;
  for (const pid of pids) {
    const pss = rollupKiB(pid, 'Pss');
    pssKiB += pss;
    const name = processName(pid);
    byName[name] = (byName[name] ?? 0) + pss;
  }
  return { pssKiB, processes: pids.length, byName };
}
