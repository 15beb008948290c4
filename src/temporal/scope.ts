/**
 * The scope of every Temporal call for one project: the project key and
 * environment that name its schedules (`meltano:<key>:<env>:<schedule>`)
 * and the task queue its runs go to. Resolved here, once.
 */
import type { Project } from '../project/model.js';
import {
  environmentName,
  legacyProjectName,
  projectName,
  projectOwner,
  type MappingContext,
} from './schedule-mapping.js';
import { parseTaskQueue } from '../util/values.js';
import { TASK_QUEUE_DEFAULT } from '../../workflows/contract.js';

export interface Scope {
  projectKey: string;
  /** meltano.yml's project_id (else `dir:<name>`): the ownership mark on schedules. */
  owner: string;
  /** The project key of ids written before ownership marks (migrated by sync). */
  legacyProjectKey: string;
  environment: string | undefined;
  taskQueue: string;
}

export interface ScopeOptions {
  environment?: string;
  taskQueue?: string;
}

/**
 * Project key: MELTANO_TEMPORAL_PROJECT, else the directory's name and a tag of project_id.
 * Environment: --environment, else MELTANO_ENVIRONMENT (the process's, else .env's), else default_environment.
 * Task queue: --task-queue, else MELTANO_TEMPORAL_TASK_QUEUE (empty counts as unset), else `meltano`.
 * @throws {InvalidValueError} an empty or blank --task-queue
 */
export function resolveScope(
  project: Pick<Project, 'root' | 'files' | 'dotenv' | 'projectId'>,
  options: ScopeOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Scope {
  const taskQueue =
    options.taskQueue !== undefined
      ? parseTaskQueue(options.taskQueue, '--task-queue')
      : env.MELTANO_TEMPORAL_TASK_QUEUE
        ? parseTaskQueue(env.MELTANO_TEMPORAL_TASK_QUEUE, 'MELTANO_TEMPORAL_TASK_QUEUE')
        : TASK_QUEUE_DEFAULT;
  return {
    projectKey: projectName(project, env),
    owner: projectOwner(project),
    legacyProjectKey: legacyProjectName(project, env),
    environment: environmentName(project, options.environment, env),
    taskQueue,
  };
}

/**
 * The queues a worker polls: `--task-queue a,b` (or MELTANO_TEMPORAL_TASK_QUEUE=a,b; a repeated
 * `--task-queue` arrives joined the same way), each a name as `parseTaskQueue` takes it, each once, in
 * the order first given; the first is the worker's own, the rest are extra (one SDK worker per queue,
 * so a repeat would start a second worker on the same queue).
 * @throws {InvalidValueError} an empty name in the list (`a,,b`, `a, b`)
 */
export function taskQueueList(value: string): [string, ...string[]] {
  const [first, ...rest] = new Set(value.split(',').map((name) => parseTaskQueue(name, '--task-queue')));
  return [first as string, ...rest];
}

export function mappingContext(project: Project, scope: Scope): MappingContext {
  return { project, ...scope };
}
