/** The concurrency limiter sync reads and writes schedules with. */
import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/util/map-limit.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapLimit', () => {
  it('keeps the items’ order and never has more than `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 25 }, (_, i) => i);
    const out = await mapLimit(items, 4, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Later items finish sooner: the order of results must not follow the order of completion.
      for (let t = 0; t < 25 - i; t++) await tick();
      inFlight--;
      return i * 2;
    });
    expect(out).toEqual(items.map((i) => i * 2));
    expect(most).toBe(4);
  });

  it('a slow item holds up only its own lane', async () => {
    const started: number[] = [];
    let releaseSlow: () => void = () => {};
    const slow = new Promise<void>((resolve) => (releaseSlow = resolve));
    const done = mapLimit([0, 1, 2, 3], 2, async (i) => {
      started.push(i);
      if (i === 0) await slow;
      else await tick();
      return i;
    });
    for (let t = 0; t < 10; t++) await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    releaseSlow();
    expect(await done).toEqual([0, 1, 2, 3]);
  });

  it('an empty list, and a limit below one, still work', async () => {
    expect(await mapLimit([], 8, async (x: number) => x)).toEqual([]);
    expect(await mapLimit([1, 2], 0, async (x) => x + 1)).toEqual([2, 3]);
  });
});
