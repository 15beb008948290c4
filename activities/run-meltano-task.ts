/**
 * The task activity: runs one task with the task runner
 * (src/meltano/task-runner.ts) and wires it to Temporal: heartbeats, the
 * cancellation signal, the activity's logger, rows so far to the workflow
 * (for the UI), and a classified failure raised as an ApplicationFailure of
 * its type, which the workflow's retry policy reads.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { executeTask, MeltanoTaskFailure } from '../src/meltano/task-runner.js';
import type { TaskActivityInput, TaskResult } from '../workflows/types.js';
import { rowsReporter } from './progress.js';
import type { ActivityDeps } from './index.js';

function applicationFailure(failure: MeltanoTaskFailure): ApplicationFailure {
  return ApplicationFailure.create({
    type: failure.type,
    message: failure.message,
    ...(failure.details ? { details: failure.details } : {}),
    ...(failure.retry.nonRetryable ? { nonRetryable: true } : {}),
    ...(failure.retry.nextRetryDelay ? { nextRetryDelay: failure.retry.nextRetryDelay } : {}),
  });
}

export async function runMeltanoTask(deps: ActivityDeps, input: TaskActivityInput): Promise<TaskResult> {
  const ctx = Context.current();
  // Rows so far go to the workflow, for the UI's current details.
  let client: Context['client'] | undefined;
  try {
    client = ctx.client;
  } catch {
    client = undefined; // a test environment without a client: no live rows
  }
  const reporter = rowsReporter({
    client,
    workflowId: ctx.info.workflowExecution?.workflowId,
    runId: ctx.info.workflowExecution?.runId,
    index: input.task.index,
    attempt: ctx.info.attempt,
    warn: (message) => ctx.log.warn(message),
  });
  try {
    return await executeTask(input.projectRoot ?? deps.projectRoot, input, {
      attempt: ctx.info.attempt,
      runKey: ctx.info.workflowExecution?.workflowId ?? ctx.info.activityId,
      heartbeat: (d) => ctx.heartbeat(d),
      cancellationSignal: ctx.cancellationSignal,
      log: ctx.log,
      onRows: (rows) => reporter.update(rows),
      run: {
        ...(ctx.info.workflowExecution ? { workflowId: ctx.info.workflowExecution.workflowId } : {}),
        ...(ctx.info.workflowExecution ? { workflowRunId: ctx.info.workflowExecution.runId } : {}),
        ...(ctx.info.workflowNamespace ? { namespace: ctx.info.workflowNamespace } : {}),
        ...(deps.uiUrl ? { uiBase: deps.uiUrl } : {}),
      },
      ...(deps.logArchive ? { logArchive: deps.logArchive } : {}),
    });
  } catch (err) {
    throw err instanceof MeltanoTaskFailure ? applicationFailure(err) : err;
  } finally {
    await reporter.close();
  }
}
