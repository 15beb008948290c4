/** What commands that talk to Temporal share: connection, project key, environment, task queue. */
import type { Command } from 'commander';
import { loadProject } from '../project/load.js';
import type { Project } from '../project/model.js';
import {
  addConnectionOptions,
  connectClient,
  connectionSettings,
  type ConnectionFlags,
} from '../temporal/connection.js';
import { environmentName, projectName, type MappingContext } from '../temporal/schedule-mapping.js';
import { projectOptions } from './context.js';

export interface ServerFlags extends ConnectionFlags {
  environment?: string;
  taskQueue?: string;
}

export function addServerOptions(cmd: Command): Command {
  return addConnectionOptions(cmd)
    .option(
      '--environment <name>',
      'Meltano environment the schedules run in (default: MELTANO_ENVIRONMENT, else default_environment)',
    )
    .option('--task-queue <name>', 'task queue of the workers (env MELTANO_TEMPORAL_TASK_QUEUE, default meltano)');
}

export interface ServerContext {
  project: Project;
  ctx: MappingContext;
  client: import('@temporalio/client').Client;
  close(): Promise<void>;
}

export async function serverContext(cmd: Command, project?: Project): Promise<ServerContext> {
  const flags = cmd.optsWithGlobals<ServerFlags>();
  const p = project ?? loadProject(projectOptions(cmd));
  const { client, connection } = await connectClient(connectionSettings(flags));
  const taskQueue = flags.taskQueue ?? process.env.MELTANO_TEMPORAL_TASK_QUEUE;
  return {
    project: p,
    client,
    ctx: {
      project: p,
      projectKey: projectName(p),
      environment: environmentName(p, flags.environment),
      ...(taskQueue ? { taskQueue } : {}),
    },
    close: () => connection.close(),
  };
}
