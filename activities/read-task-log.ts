/**
 * `readTaskLog`: serves this worker's task logs to `runs logs` on another
 * host (src/logs/serve.ts), from the project this worker serves.
 */
import { readLogChunks } from '../src/logs/serve.js';
import { taskLogDir } from '../src/meltano/task-logs.js';
import type { ReadTaskLogInput, ReadTaskLogResult } from '../workflows/types.js';
import type { ActivityDeps } from './index.js';

export function readTaskLog(deps: ActivityDeps, input: ReadTaskLogInput): Promise<ReadTaskLogResult> {
  return readLogChunks(taskLogDir(deps.projectRoot, input.workflowId), input);
}
