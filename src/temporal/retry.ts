/**
 * `runs retry WORKFLOW_ID`: a new run of a failed, cancelled, terminated or
 * timed-out run's job that starts at the first task that did not finish
 * (or at the first task with `fromStart`), with the original's input, task
 * queue and search attributes (so it lists with the schedule's runs), and a
 * link back to the original in its memo and details.
 * @throws {RunNotFoundError} no such run
 * @throws {RunNotRetryableError} not a job run, or still running, or completed
 */
import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { RunNotFoundError, RunNotRetryableError } from '../errors.js';
import type { JobRunInput, TaskActivityInput } from '../../workflows/types.js';
import { ACTIVITY, SEARCH_ATTRIBUTE_NAMES, WORKFLOW_TYPE, type RetryRunMemo } from '../../workflows/contract.js';
import { hostname, userInfo } from 'node:os';
import type { Project } from '../project/model.js';
import { jobTasks, scheduleTasks } from '../project/resolve.js';
import {
  chooseTasks,
  completedTaskCount,
  groupRetryPlan,
  RETRYABLE_STATUSES,
  retryDetails,
  retryFromTask,
  retryWorkflowId,
  type RetryOrigin,
  type TaskChoice,
} from './retry-plan.js';
import { clientSdk, commonSdk } from './sdk.js';

export interface RetryStarted {
  workflowId: string;
  runId: string;
  origin: RetryOrigin;
  /** Tasks the original completed in its own run (the retry skips them). */
  completedInOriginal: number;
}

/** The search attributes a run carries that this tool set (the server's own, Temporal*, cannot be set by a client). */
const ownAttribute = (name: string): boolean => (SEARCH_ATTRIBUTE_NAMES as readonly string[]).includes(name);

/** Who asked for `--from-task` / `--skip-task`, as the run records it: the OS user at this host. */
export function operator(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
  return `${user}@${hostname()}`;
}

/** The job's tasks as meltano.yml has them now (what the retry will resolve), as words. */
function currentTasks(project: Project, input: JobRunInput): { name: string; tasks: string[] } {
  const job = input.schedule ? scheduleTasks(project, input.schedule) : jobTasks(project, input.job ?? '');
  return { name: job.job, tasks: job.tasks.map((t) => t.args.join(' ')) };
}

/**
 * @param options.choice `--from-task` / `--skip-task` (1-based, checked against `options.project`'s
 *   job) and `--from-start`
 * @throws {UsageError} a task number that is not one of the job's, or nothing left to run
 */
export async function retryRun(
  client: Client,
  workflowId: string,
  options: { runId?: string; choice?: TaskChoice; project?: Project; now?: Date; by?: string } = {},
): Promise<RetryStarted> {
  const { WorkflowNotFoundError } = clientSdk();
  const handle = client.workflow.getHandle(workflowId, options.runId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new RunNotFoundError(workflowId, options.runId, client.options.namespace, { cause: err });
    }
    throw err;
  }
  if (description.type !== WORKFLOW_TYPE) {
    throw new RunNotRetryableError(
      workflowId,
      `is a ${description.type} workflow, not a run of a Meltano job (${WORKFLOW_TYPE}).`,
    );
  }
  const status = description.status.name;
  if (!(RETRYABLE_STATUSES as readonly string[]).includes(status)) {
    throw new RunNotRetryableError(
      workflowId,
      `is ${status}: only a failed, cancelled, terminated or timed-out run can be retried.`,
      {
        hint:
          status === 'RUNNING'
            ? 'wait for it to end, or cancel it first (temporal workflow cancel --workflow-id ...)'
            : 'to run the job again, use: meltano-temporal schedule run NAME',
      },
    );
  }
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const startedEvent = events[0]?.workflowExecutionStartedEventAttributes;
  const [original] = (await decodeArrayFromPayloads(
    client.workflow.options.loadedDataConverter,
    startedEvent?.input?.payloads,
  )) as [JobRunInput | undefined];
  if (!original) throw new RunNotRetryableError(workflowId, 'has no input in its history: it cannot be retried.');
  const completed = completedTaskCount(events);
  const choice = options.choice ?? {};
  const byHand = choice.fromTask !== undefined || Boolean(choice.skipTasks?.length);
  // Parallel groups end out of order: resume at the first task that did not complete, skip the siblings that did.
  const ran = await ranTasks(client, events);
  const grouped =
    ran.grouped && !choice.fromStart ? groupRetryPlan({ fromTask: 0, ...original.resume }, ran.completed) : undefined;
  const defaultFrom =
    grouped?.fromTask ?? retryFromTask(original.resume?.fromTask ?? 0, completed, choice.fromStart ?? false);
  const doneTasks = grouped && !byHand && grouped.doneTasks.length ? grouped.doneTasks : undefined;
  if (byHand && !options.project) throw new Error('retryRun: --from-task and --skip-task need the project');
  const chosen =
    byHand && options.project ? chooseTasks(choice, defaultFrom, currentTasks(options.project, original)) : undefined;
  const by = chosen ? (options.by ?? operator()) : undefined;
  const origin: RetryOrigin = {
    workflowId,
    runId: description.runId,
    fromTask: chosen?.fromTask ?? defaultFrom,
    ...(chosen?.fromTaskChosen ? { fromTaskChosen: true } : {}),
    ...(chosen?.skipTasks.length ? { skipTasks: chosen.skipTasks } : {}),
    ...(by ? { by } : {}),
    ...(doneTasks ? { doneTasks } : {}),
  };
  const input: JobRunInput = {
    ...original,
    resume: {
      fromTask: origin.fromTask,
      retryOf: { workflowId: origin.workflowId, runId: origin.runId },
      ...(origin.skipTasks ? { skipTasks: origin.skipTasks } : {}),
      ...(by ? { by } : {}),
      ...(doneTasks ? { doneTasks } : {}),
    },
  };
  const id = retryWorkflowId(workflowId, options.now ?? new Date());
  const { TypedSearchAttributes } = commonSdk();
  const attributes = new TypedSearchAttributes(
    description.typedSearchAttributes.getAll().filter((p) => ownAttribute(p.key.name)),
  );
  const details = retryDetails(origin);
  const started = await client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: description.taskQueue,
    workflowId: id,
    args: [input],
    typedSearchAttributes: attributes,
    memo: {
      retryOf: { workflowId: origin.workflowId, runId: origin.runId },
      fromTask: origin.fromTask,
      ...(origin.fromTaskChosen ? { fromTaskChosen: true } : {}),
      ...(origin.skipTasks ? { skipTasks: origin.skipTasks } : {}),
      ...(by ? { by } : {}),
      ...(doneTasks ? { doneTasks } : {}),
    } satisfies RetryRunMemo,
    staticSummary: details,
    staticDetails: details,
  });
  return { workflowId: id, runId: started.firstExecutionRunId, origin, completedInOriginal: completed };
}

/** The 0-based tasks whose activity completed in the run, and whether its job had parallel groups. */
async function ranTasks(
  client: Client,
  events: ReadonlyArray<{
    eventId?: unknown;
    activityTaskScheduledEventAttributes?: {
      activityType?: { name?: string | null } | null;
      input?: { payloads?: unknown[] | null } | null;
    } | null;
    activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown } | null;
  }>,
): Promise<{ completed: number[]; grouped: boolean }> {
  const tasks = new Map<string, TaskActivityInput['task']>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== ACTIVITY.runMeltanoTask || e.eventId == null) continue;
    const [input] = (await decodeArrayFromPayloads(
      client.workflow.options.loadedDataConverter,
      scheduled.input?.payloads as Parameters<typeof decodeArrayFromPayloads>[1],
    )) as [TaskActivityInput | undefined];
    if (input) tasks.set(String(e.eventId), input.task);
  }
  const completed = events.flatMap((e) => {
    const id = e.activityTaskCompletedEventAttributes?.scheduledEventId;
    const task = id == null ? undefined : tasks.get(String(id));
    return task ? [task.index] : [];
  });
  return { completed, grouped: [...tasks.values()].some((t) => t.group !== undefined) };
}
