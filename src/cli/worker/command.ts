/** `meltano-temporal worker`: run the worker for one project. */
import { Command } from 'commander';
import { addServerOptions } from '../program/server-options.js';
import { addLogOptions, addWorkerOptions, type WorkerFlags } from './flags.js';

export function workerCommand(): Command {
  return (
    addLogOptions(addWorkerOptions(addServerOptions(new Command('worker'), { pollsMany: true })))
      .description('Run a worker: executes the job workflows of this project and the `meltano run` tasks.')
      // Not wrapped in action(): the worker reports its own errors in its log format and ends the process.
      .action(async (flags: WorkerFlags, cmd: Command) => (await import('./action.js')).runWorkerCommand(flags, cmd))
  );
}
