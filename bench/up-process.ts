/** Launching `meltano-temporal up` for the benchmarks: waits for a line of its output, bounded, and stops it. */
import { execa, type ResultPromise } from 'execa';
import { performance } from 'node:perf_hooks';
import { VENV_BIN, CLI_BIN } from '../src/util/paths.js';
import { waitForOutput } from '../src/util/wait.js';
import { descendants } from './proc-tree.js';

export interface UpProcess {
  /** Launch -> the awaited output line, in milliseconds. */
  ms: number;
  proc: ResultPromise;
  output(): string;
  /** SIGINT (up's own shutdown), then SIGKILL to it and its descendants after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs `up` on `project` (random ports) until its output matches `until`. It
 * stays in our process group, so a Ctrl-C in the terminal reaches it too.
 */
export async function launchUp(
  project: string,
  args: string[],
  until: RegExp,
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<UpProcess> {
  const start = performance.now();
  const proc = execa(
    'node',
    [
      CLI_BIN,
      '--project',
      project,
      'up',
      '--port',
      String(27233 + Math.floor(Math.random() * 1000)),
      '--ui-port',
      String(29233 + Math.floor(Math.random() * 1000)),
      ...args,
    ],
    {
      env: {
        ...process.env,
        ...env,
        PATH: `${VENV_BIN}:${process.env.PATH ?? ''}`,
        MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
      },
      reject: false,
      all: true,
      buffer: false,
      stdin: 'ignore',
    },
  );
  let out = '';
  proc.all?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const stop = async (graceMs = 30_000): Promise<void> => {
    const tree = descendants(proc.pid ?? 0);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGINT');
    const killAll = (): void => {
      for (const pid of tree) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    };
    const timer = setTimeout(killAll, graceMs);
    await proc;
    clearTimeout(timer);
  };
  try {
    // Polled every 50 ms: the time measured is up to the line, give or take that.
    await waitForOutput({ output: () => out, exitCode: () => proc.exitCode }, until, { timeoutMs, intervalMs: 50 });
  } catch (err) {
    await stop(5_000);
    throw err;
  }
  return { ms: performance.now() - start, proc, output: () => out, stop };
}
