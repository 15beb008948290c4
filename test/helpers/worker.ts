/** Our worker as a real child process (`meltano-temporal worker`). */
import type { ResultPromise } from 'execa';
import { afterAll } from 'vitest';
import { MELTANO, VENV_PATH, spawnOurs } from './run.js';
import { waitForOutput } from './wait.js';

export interface WorkerProcess {
  proc: ResultPromise;
  output: () => string;
  /** Null while it runs. */
  exitCode: () => number | null;
  ready: Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startWorker(
  projectDir: string,
  serverEnv: Record<string, string>,
  taskQueue: string,
  extraEnv: Record<string, string> = {},
  extraArgs: string[] = [],
): WorkerProcess {
  const concurrency = extraEnv.MELTANO_TEMPORAL_MAX ?? '4';
  const { proc, output } = spawnOurs(
    [
      'worker',
      '--project',
      projectDir,
      '--task-queue',
      taskQueue,
      '--shutdown-grace',
      '5s',
      '--max-concurrent-tasks',
      concurrency,
      ...extraArgs,
    ],
    // The server's env may name another meltano or PATH: the worker's own win, then extraEnv's.
    { ...serverEnv, MELTANO_BIN: MELTANO, PATH: VENV_PATH, MELTANO_TEMPORAL_STOP_GRACE_MS: '5000', ...extraEnv },
  );
  const exitCode = (): number | null => proc.exitCode;
  const ready = waitForOutput({ output, exitCode }, 'polling task queue', {
    what: 'the worker to poll',
    timeoutMs: 120_000,
    intervalMs: 100,
  }).then(() => undefined);
  // Awaited by the test, or not at all when it fails earlier: never an unhandled rejection.
  ready.catch(() => undefined);
  return {
    proc,
    ready,
    output,
    exitCode,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      await proc;
    },
  };
}

export interface FileWorkers {
  /** Every worker started, in order. */
  list: WorkerProcess[];
  /** startWorker, remembering the worker. */
  start: (...args: Parameters<typeof startWorker>) => WorkerProcess;
}

/** Workers a test file starts as it goes, each killed (SIGKILL, as a crash) once the file is done. */
export function workersOfFile(): FileWorkers {
  const list: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(list.map((w) => w.stop('SIGKILL')));
  });
  return {
    list,
    start: (...args) => {
      const w = startWorker(...args);
      list.push(w);
      return w;
    },
  };
}
