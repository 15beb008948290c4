/**
 * `schedule run --local` without its printing: a schedule's tasks one after the
 * other in this process, with the worker's task runner and no Temporal server,
 * stopping at the first that fails. The caller hears each task start and end.
 */
import { randomUUID } from 'node:crypto';
import type { Project } from '../project/model.js';
import { requireSchedule, scheduleTasks, type RunnableTask } from '../project/resolve.js';
import { effectiveStallTimeout } from '../temporal/stall-timeout.js';
import type { MeltanoRunOptions } from './run-options.js';
import type { TaskResult } from '../../workflows/types.js';
import { emptyRunContext } from './run-context-env.js';

export type LocalTaskEvent =
  | { type: 'started'; task: RunnableTask; total: number }
  | { type: 'finished'; task: RunnableTask; total: number; result: TaskResult }
  | { type: 'failed'; task: RunnableTask; total: number; error: Error };

export interface LocalRunOptions {
  /** The Meltano environment (default: Meltano's own choice). */
  environment?: string;
  runOptions?: MeltanoRunOptions;
  /** Aborting it cancels the running task (its whole process group). */
  signal: AbortSignal;
  onEvent(event: LocalTaskEvent): void;
  /** Each output line of a task, masked. */
  onLine(line: string): void;
  onWarning(message: string): void;
}

/**
 * Run the schedule's tasks; true when every one succeeded.
 * @throws {ScheduleNotInProjectError} / {JobNotFoundError} / {ProjectFileError} the schedule cannot run (resolve.ts)
 */
export async function runScheduleLocally(project: Project, name: string, options: LocalRunOptions): Promise<boolean> {
  const { tasks } = scheduleTasks(project, name);
  // The same stall_timeout a worker would apply.
  const stall = effectiveStallTimeout(project, { schedule: requireSchedule(project, name) });
  // Loaded only now: the runner reads its settings from the environment when it loads.
  const { executeTask } = await import('./task-runner.js');
  const runKey = `local-${name}-${new Date().toISOString()}`;
  // No server, so no spec to read slots from: an empty interval at the start (docs/run-context.md).
  const runContext = emptyRunContext(Date.now());
  const total = tasks.length;
  for (const task of tasks) {
    options.onEvent({ type: 'started', task, total });
    try {
      const result = await executeTask(
        project.root,
        {
          schedule: name,
          ...(options.environment ? { environment: options.environment } : {}),
          task,
          runId: randomUUID(),
          ...(options.runOptions ? { runOptions: options.runOptions } : {}),
          ...(stall ? { stallTimeout: stall.value } : {}),
          runContext,
        },
        {
          attempt: 1,
          runKey,
          cancellationSignal: options.signal,
          heartbeat: () => {},
          log: { info: () => {}, warn: (m) => options.onWarning(m) },
          onLine: options.onLine,
        },
      );
      options.onEvent({ type: 'finished', task, total, result });
    } catch (err) {
      options.onEvent({ type: 'failed', task, total, error: err as Error });
      return false;
    }
  }
  return true;
}
