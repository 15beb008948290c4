/**
 * The reference side of `npm run bench -- orchestration`: the same no-op job
 * (bench/noop-job.ts) on the same dev server, run by a worker written the
 * way the SDK's samples write one (bench/bare-sdk-workflows.ts; the activity
 * spawns the stand-in `meltano` with child_process and waits for its exit).
 * SDK defaults except one activity slot, as our bench worker has. Where our
 * part of a task boundary is above this worker's, the difference is ours.
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BareActivities } from './bare-sdk-workflows.js';
import { timedRun, type NoopProject, type TemporalSide } from './noop-job.js';

const TASK_QUEUE = 'bench-bare-sdk';
const quiet = { log: () => {}, trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** `workerOptions`: on top of the defaults, for trying a setting by hand. */
export async function startBareSide(
  project: NoopProject,
  address: string,
  workerOptions: Partial<WorkerOptions> = {},
): Promise<TemporalSide> {
  const activities: BareActivities = {
    runMeltanoTask: (args) =>
      new Promise((resolve, reject) => {
        const child = spawn(project.stub, ['run', ...args], { cwd: project.root, stdio: 'ignore' });
        child.on('error', reject);
        child.on('exit', (code) => resolve(code ?? -1));
      }),
  };
  const { code } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./bare-sdk-workflows.js', import.meta.url)),
    logger: quiet,
  });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: { code },
    activities,
    maxConcurrentActivityTaskExecutions: 1,
    ...workerOptions,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  let n = 0;
  return {
    address,
    runOnce: () =>
      timedRun(project, (t0) =>
        client.workflow.start('bareJob', {
          taskQueue: TASK_QUEUE,
          workflowId: `bench-bare-${n++}-${t0}`,
          args: [[['noop:a'], ['noop:b'], ['noop:c']]],
          workflowExecutionTimeout: '2 minutes',
        }),
      ),
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}
