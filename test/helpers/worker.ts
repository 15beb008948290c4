/** Our worker as a real child process (`meltano-temporal worker`). */
import { execa, type ResultPromise } from 'execa';
import { CLI, MELTANO, VENV_BIN } from './run.js';
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
  let output = '';
  const concurrency = extraEnv.MELTANO_TEMPORAL_MAX ?? '4';
  const proc = execa(
    'node',
    [
      CLI,
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
    {
      env: {
        MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
        ...serverEnv,
        MELTANO_BIN: MELTANO,
        PATH: `${VENV_BIN}:${process.env.PATH ?? ''}`,
        MELTANO_TEMPORAL_STOP_GRACE_MS: '5000',
        ...extraEnv,
      },
      reject: false,
      stdin: 'ignore',
      all: true,
      buffer: false,
    },
  );
  proc.all?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exitCode = (): number | null => proc.exitCode;
  const ready = waitForOutput({ output: () => output, exitCode }, 'polling task queue', {
    what: 'the worker to poll',
    timeoutMs: 120_000,
    intervalMs: 100,
  }).then(() => undefined);
  // Awaited by the test, or not at all when it fails earlier: never an unhandled rejection.
  ready.catch(() => undefined);
  return {
    proc,
    ready,
    output: () => output,
    exitCode,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      await proc;
    },
  };
}
