/**
 * The flags of commands that talk to Temporal, for the command table: declaring
 * them loads no client code (that is server-context.ts, loaded when a command runs).
 */
import type { Command } from 'commander';
import { addConnectionOptions, type ConnectionFlags } from '../../temporal/connection.js';
import type { ScopeOptions } from '../../temporal/scope.js';

export interface ServerFlags extends ConnectionFlags, ScopeOptions {}

/**
 * `--task-queue a --task-queue b,c`: every value given, in order, as one comma-separated list, which
 * `taskQueueList` splits (dropping repeats) as it splits a single `--task-queue a,b,c`.
 */
export function collectTaskQueues(value: string, previous: string | undefined): string {
  return previous === undefined ? value : `${previous},${value}`;
}

/** With `pollsMany` (the worker), `--task-queue` may be repeated and take comma-separated lists. */
export function addServerOptions(cmd: Command, { pollsMany = false }: { pollsMany?: boolean } = {}): Command {
  const withEnvironment = addConnectionOptions(cmd).option(
    '--environment <name>',
    'Meltano environment the schedules run in (default: MELTANO_ENVIRONMENT from the environment or .env, else default_environment)',
  );
  return pollsMany
    ? withEnvironment.option(
        '--task-queue <names>',
        'task queues to poll: repeat the option (--task-queue a --task-queue b) or give a comma-separated list (--task-queue a,b), or both; each queue is polled once (env MELTANO_TEMPORAL_TASK_QUEUE, default meltano)',
        collectTaskQueues,
      )
    : withEnvironment.option(
        '--task-queue <name>',
        'task queue of the workers (env MELTANO_TEMPORAL_TASK_QUEUE, default meltano)',
      );
}

export function serverFlags(cmd: Command): ServerFlags {
  return cmd.optsWithGlobals<ServerFlags>();
}
