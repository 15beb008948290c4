/** The worker's idle compaction: when it collects, and that the collection leaves no `gc` global behind. */
import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import { waitFor } from '../helpers/wait.js';
import {
  COMPACT_AFTER_GROWTH_BYTES,
  shouldCompact,
  startIdleCompaction,
  type Compaction,
} from '../../src/temporal/idle-compaction.js';

const idle = { numInFlightActivities: 0, numInFlightWorkflowActivations: 0 };
const MiB = 1024 * 1024;

describe('shouldCompact', () => {
  it('collects when idle and nothing was collected yet', () => {
    expect(shouldCompact(idle, 50 * MiB, undefined)).toBe(true);
  });

  it('never while an activity or a workflow activation is in flight', () => {
    expect(shouldCompact({ ...idle, numInFlightActivities: 1 }, 500 * MiB, undefined)).toBe(false);
    expect(shouldCompact({ ...idle, numInFlightWorkflowActivations: 1 }, 500 * MiB, undefined)).toBe(false);
  });

  it('again only after resident memory grew by the threshold since the last collection', () => {
    expect(shouldCompact(idle, 40 * MiB + COMPACT_AFTER_GROWTH_BYTES - 1, 40 * MiB)).toBe(false);
    expect(shouldCompact(idle, 40 * MiB + COMPACT_AFTER_GROWTH_BYTES, 40 * MiB)).toBe(true);
    expect(shouldCompact(idle, 30 * MiB, 40 * MiB)).toBe(false);
  });
});

describe('startIdleCompaction', () => {
  it('runs a real full collection when idle at two checks in a row, reports the heap in use before and after, and exposes no gc global', async () => {
    // 32 MiB that becomes garbage at the second check, right before the collection it triggers.
    let garbage: number[][] | undefined = Array.from({ length: 64 }, (_, i) => new Array<number>(64 * 1024).fill(i));
    let checks = 0;
    const reports: Compaction[] = [];
    const compaction = startIdleCompaction({
      load: () => {
        if (++checks >= 2) garbage = undefined;
        return idle;
      },
      onCompact: (c) => reports.push(c),
      firstAfterMs: 1,
      everyMs: 5,
    });
    try {
      await waitFor('a compaction report', () => reports.length > 0, { timeoutMs: 5_000, intervalMs: 10 });
    } finally {
      compaction.stop();
    }
    expect(garbage).toBeUndefined();
    expect(reports).toHaveLength(1);
    const [c] = reports as [Compaction];
    // 32 MiB of garbage was on the heap: the collection freed it.
    expect(c.heapUsedBefore - c.heapUsedAfter).toBeGreaterThan(16 * 1024 * 1024);
    expect(c.residentAfter).toBeGreaterThan(0);
    expect(vm.runInNewContext('typeof gc')).toBe('undefined');
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
  });

  it('does not collect while work is in flight', async () => {
    let calls = 0;
    const compaction = startIdleCompaction({
      load: () => {
        calls++;
        return { ...idle, numInFlightActivities: 2 };
      },
      onCompact: () => {
        throw new Error('collected while busy');
      },
      firstAfterMs: 1,
      everyMs: 5,
    });
    try {
      await waitFor('three load checks', () => calls >= 3, { timeoutMs: 5_000, intervalMs: 5 });
    } finally {
      compaction.stop();
    }
    expect(calls).toBeGreaterThanOrEqual(3);
  });
});
