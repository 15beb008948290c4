/**
 * The workflow interceptor of bundles that hold custom workflows (never of
 * the prebuilt bundle): it keeps each run's first argument for `meltanoRun`.
 * Deterministic: it only reads the input the history recorded.
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { rememberRunInput } from './run-input.js';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        rememberRunInput(input.args[0]);
        return next(input);
      },
    },
  ],
});
