/** How many activity pollers a worker runs, and when a slot is left for eager dispatch. */
import { describe, expect, it } from 'vitest';
import { activityPollers, eagerPossible } from '../../src/temporal/worker-tuning.js';
import { workerSettings } from '../../src/cli/worker/flags.js';

describe('activity pollers', () => {
  it('one poller per 4 slots, at least 1 and at most 10', () => {
    expect([1, 2, 3, 4, 7, 8, 16, 40, 100].map(activityPollers)).toEqual([1, 1, 1, 1, 1, 2, 4, 10, 10]);
  });

  it('eager dispatch needs 2 slots beyond the pollers: from 3 slots on', () => {
    expect([1, 2, 3, 4, 8, 40, 100].map((slots) => eagerPossible(slots))).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it('with pollers set by hand (--activity-pollers): 2 slots beyond them', () => {
    expect([eagerPossible(4, 1), eagerPossible(4, 2), eagerPossible(4, 3), eagerPossible(12, 10)]).toEqual([
      true,
      true,
      false,
      true,
    ]);
  });
});

describe('--activity-pollers', () => {
  const flags = { maxConcurrentTasks: '8', shutdownGrace: '5m' };
  it('default: none set, the worker derives them from its slots', () => {
    expect(workerSettings(flags, {})).not.toHaveProperty('activityPollers');
  });
  it('a whole number up to the slots', () => {
    expect(workerSettings({ ...flags, activityPollers: '8' }, {}).activityPollers).toBe(8);
    expect(workerSettings({ ...flags, activityPollers: '1' }, {}).activityPollers).toBe(1);
  });
  it('more than the slots, zero or not a number: refused, naming the flag and the fix', () => {
    expect(() => workerSettings({ ...flags, activityPollers: '9' }, {})).toThrow(
      '--activity-pollers 9 is more than the 8 task slots (--max-concurrent-tasks): use at most 8',
    );
    expect(() => workerSettings({ ...flags, activityPollers: '0' }, {})).toThrow(/--activity-pollers/u);
    expect(() => workerSettings({ ...flags, activityPollers: 'two' }, {})).toThrow(/--activity-pollers/u);
  });
});
