/**
 * The pause activity (local): after a failed run, count the schedule's failed
 * runs in a row and pause it at `pause_after_failures` (src/temporal/failure-streak.ts).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { pauseAfterFailures as countAndPause, type StreakOutcome } from '../src/temporal/failure-streak.js';

export interface PauseAfterFailuresInput {
  schedule: string;
  /** `pause_after_failures` of the schedule. */
  threshold: number;
}

export async function pauseAfterFailures(input: PauseAfterFailuresInput): Promise<StreakOutcome> {
  const ctx = Context.current();
  const execution = ctx.info.workflowExecution;
  if (!execution) throw ApplicationFailure.nonRetryable('pauseAfterFailures runs only as an activity of a job run');
  const outcome = await countAndPause(ctx.client, execution, input.threshold);
  if (outcome.paused) ctx.log.warn(`schedule paused: ${outcome.note ?? ''}`, { schedule: input.schedule });
  else
    ctx.log.info(
      `${outcome.failures} failed run(s) in a row of ${input.threshold}${outcome.skipped ? `: ${outcome.skipped}` : ''}`,
      {
        schedule: input.schedule,
      },
    );
  return outcome;
}
