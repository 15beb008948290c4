import type { TaskPolicy } from './types.js';

/**
 * A task's retries and timeouts when `annotations.temporal` says nothing (docs/configuration.md):
 * here, not in src/, because custom workflows started without a schedule use them in the sandbox.
 */
export const DEFAULT_TASK_POLICY: TaskPolicy = {
  maximumAttempts: 3,
  initialInterval: '30s',
  backoffCoefficient: 2,
  maximumInterval: '10m',
  taskTimeout: '6h',
  heartbeatTimeout: '2m',
};
