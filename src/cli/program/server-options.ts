/**
 * The flags of commands that talk to Temporal, for the command table: declaring
 * them loads no client code (that is server-context.ts, loaded when a command runs).
 */
import type { Command } from 'commander';
import { addConnectionOptions, type ConnectionFlags } from '../../temporal/connection.js';
import type { ScopeOptions } from '../../temporal/scope.js';

export interface ServerFlags extends ConnectionFlags, ScopeOptions {}

export function addServerOptions(cmd: Command): Command {
  return addConnectionOptions(cmd)
    .option(
      '--environment <name>',
      'Meltano environment the schedules run in (default: MELTANO_ENVIRONMENT from the environment or .env, else default_environment)',
    )
    .option(
      '--task-queue <name>',
      'task queue of the workers (env MELTANO_TEMPORAL_TASK_QUEUE, default meltano); worker: a comma-separated list polls each',
    );
}

export function serverFlags(cmd: Command): ServerFlags {
  return cmd.optsWithGlobals<ServerFlags>();
}
