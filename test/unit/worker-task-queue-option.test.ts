/**
 * `worker --task-queue`: repeated (`--task-queue a --task-queue b`), as a comma-separated list
 * (`--task-queue a,b`) or both, each queue once in the order first given; other commands keep one queue.
 * Parsed by the worker's own command table (commander, in-process) and split as the worker splits it.
 */
import { describe, expect, it } from 'vitest';
import { workerCommand } from '../../src/cli/worker/command.js';
import { syncCommand } from '../../src/cli/sync/command.js';
import { serverFlags } from '../../src/cli/program/server-options.js';
import { taskQueueList } from '../../src/temporal/scope.js';
import { InvalidValueError } from '../../src/errors.js';

/** The --task-queue value the worker's command table gives for these arguments (the action is not run). */
function workerQueueFlag(args: string[]): string | undefined {
  const cmd = workerCommand().exitOverride();
  cmd.action(() => undefined);
  cmd.parse(args, { from: 'user' });
  return serverFlags(cmd).taskQueue;
}

const polled = (args: string[]): string[] => taskQueueList(workerQueueFlag(args) ?? 'meltano');

describe('worker --task-queue', () => {
  it('takes the option repeated, a comma-separated list, or both; each queue once, first given first', () => {
    expect(polled(['--task-queue', 'a', '--task-queue', 'b'])).toEqual(['a', 'b']);
    expect(polled(['--task-queue', 'a,b'])).toEqual(['a', 'b']);
    expect(polled(['--task-queue', 'a,b', '--task-queue', 'c', '--task-queue=b,a,d'])).toEqual(['a', 'b', 'c', 'd']);
    expect(polled(['--task-queue', 'heavy', '--task-queue', 'heavy'])).toEqual(['heavy']);
    expect(polled(['--task-queue', 'only'])).toEqual(['only']);
    expect(workerQueueFlag([])).toBeUndefined();
  });

  it('an empty or blank name among the values is refused as before', () => {
    expect(() => polled(['--task-queue', 'a', '--task-queue', ''])).toThrow(InvalidValueError);
    expect(() => polled(['--task-queue', 'a', '--task-queue', ' b'])).toThrow(
      /Invalid value for '--task-queue': ' b'/u,
    );
  });

  it("MELTANO_TEMPORAL_TASK_QUEUE's list loses its repeats the same way", () => {
    expect(taskQueueList('meltano,heavy,meltano')).toEqual(['meltano', 'heavy']);
  });

  it('--help says how to give several queues', () => {
    const help = workerCommand().helpInformation().replace(/\s+/gu, ' ');
    expect(help).toContain(
      '--task-queue <names> task queues to poll: repeat the option (--task-queue a --task-queue b)',
    );
    expect(help).toContain('each queue is polled once');
  });

  it('a command that uses one queue (sync) keeps the last value given, as any single-value option', () => {
    const cmd = syncCommand().exitOverride();
    cmd.action(() => undefined);
    cmd.parse(['--task-queue', 'a', '--task-queue', 'b'], { from: 'user' });
    expect(serverFlags(cmd).taskQueue).toBe('b');
    expect(cmd.helpInformation()).not.toContain('repeat the option');
  });
});
