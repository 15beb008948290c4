/**
 * A child process in its own process group, so that stopping it stops the
 * plugins it started too: SIGTERM to the whole group, SIGKILL after a grace
 * period. Output lines (stdout and stderr) are delivered one by one.
 */
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import { descendants, signalPid } from './process-tree.js';
import { createInterface } from 'node:readline';

export interface GroupProcess {
  pid: number | undefined;
  /** Resolves with the exit code (or 128+signal) once the process has exited. */
  exited: Promise<number>;
  /** SIGTERM to the group, then SIGKILL to the group after `graceMs`; resolves when the leader has exited. */
  stop(graceMs: number): Promise<number>;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGTERM: 15, SIGKILL: 9, SIGINT: 2, SIGHUP: 1 };

const SETPRIV = '/usr/bin/setpriv';

export function startGroupProcess(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; onLine: (line: string) => void },
): GroupProcess {
  // If the worker itself is killed (SIGKILL, OOM), the kernel sends the task
  // SIGTERM (setpriv's parent-death signal) so it does not run on unattended
  // and hold Meltano's run lock against the retry on another worker.
  const [cmd, argv] = existsSync(SETPRIV)
    ? [SETPRIV, ['--pdeathsig', 'SIGTERM', '--', file, ...args]]
    : [file, [...args]];
  // Argument array, no shell: user strings are never interpreted.
  const child: ResultPromise = execa(cmd, argv, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    detached: true,
    stdin: 'ignore',
    all: true,
    buffer: false,
    reject: false,
    cleanup: false,
  });
  if (child.all) {
    createInterface({ input: child.all, crlfDelay: Infinity }).on('line', options.onLine);
  }
  const exited = child.then((r) => {
    // Whatever the leader left behind in its group goes too.
    if (child.pid) signalGroup(child.pid, 'SIGKILL');
    if (r.failed && r.exitCode === undefined && !r.signal) throw r;
    return r.exitCode ?? 128 + (SIGNAL_NUMBERS[r.signal as NodeJS.Signals] ?? 0);
  });
  return {
    pid: child.pid,
    exited,
    async stop(graceMs: number) {
      const leader = child.pid;
      if (!leader) return exited;
      // Remember the whole tree while it is attached: once the leader is gone,
      // orphans are re-parented and can no longer be found.
      const tree = new Set<number>(descendants(leader));
      const refresh = (): void => {
        for (const pid of descendants(leader)) tree.add(pid);
      };
      signalGroup(leader, 'SIGTERM');
      for (const pid of tree) signalPid(pid, 'SIGTERM');
      const poll = setInterval(refresh, 100);
      const timer = setTimeout(() => {
        refresh();
        signalGroup(leader, 'SIGKILL');
        for (const pid of tree) signalPid(pid, 'SIGKILL');
      }, graceMs);
      try {
        return await exited;
      } finally {
        clearInterval(poll);
        clearTimeout(timer);
        for (const pid of tree) signalPid(pid, 'SIGKILL');
      }
    },
  };
}
