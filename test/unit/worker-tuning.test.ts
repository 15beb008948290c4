/** How many activity pollers a worker runs, and when a slot is left for eager dispatch. */
import { describe, expect, it } from 'vitest';
import { activityPollers, eagerPossible } from '../../src/temporal/worker-tuning.js';

describe('activity pollers', () => {
  it('one poller per 4 slots, at least 1 and at most 10', () => {
    expect([1, 2, 3, 4, 7, 8, 16, 40, 100].map(activityPollers)).toEqual([1, 1, 1, 1, 1, 2, 4, 10, 10]);
  });

  it('eager dispatch needs 2 slots beyond the pollers: from 3 slots on', () => {
    expect([1, 2, 3, 4, 8, 40, 100].map(eagerPossible)).toEqual([false, false, true, true, true, true, true]);
  });
});
