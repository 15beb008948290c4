/** `schedule run NAME --local`: the same task code, in this process, without a server. */
import { randomUUID } from 'node:crypto';
import { loadProject, type LoadOptions } from '../../project/load.js';
import { scheduleTasks } from '../../project/resolve.js';
import type { MeltanoRunOptions } from '../../meltano/run-options.js';
import { formatDuration } from '../../../workflows/summary.js';

export async function runLocally(
  options: LoadOptions,
  name: string,
  environment?: string,
  runOptions?: MeltanoRunOptions,
): Promise<number> {
  const project = loadProject(options);
  const { tasks } = scheduleTasks(project, name);
  const { executeTask } = await import('../../meltano/task-runner.js');
  const abort = new AbortController();
  const stop = (): void => abort.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const runKey = `local-${name}-${new Date().toISOString()}`;
  try {
    for (const task of tasks) {
      const label = `[${task.index + 1}/${tasks.length}] ${task.args.join(' ')}`;
      process.stderr.write(`${label}: started\n`);
      try {
        const result = await executeTask(
          project.root,
          {
            schedule: name,
            ...(environment ? { environment } : {}),
            task,
            runId: randomUUID(),
            ...(runOptions ? { runOptions } : {}),
          },
          {
            attempt: 1,
            runKey,
            cancellationSignal: abort.signal,
            heartbeat: () => {},
            log: { info: () => {}, warn: (m) => process.stderr.write(`${m}\n`) },
            onLine: (line) => process.stderr.write(`  ${line}\n`),
          },
        );
        const rows = Object.entries(result.rowsPerStream)
          .map(([s, n]) => `${s}=${n}`)
          .join(' ');
        process.stderr.write(
          `${label}: finished in ${formatDuration(result.durationMs)}${rows ? `, rows: ${rows}` : ''}\n`,
        );
      } catch (err) {
        process.stderr.write(`${label}: failed: ${(err as Error).message.split('\n')[0]}\n`);
        return 1;
      }
    }
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
