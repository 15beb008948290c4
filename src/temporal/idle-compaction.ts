/**
 * Memory given back while the worker waits for work.
 *
 * V8 keeps its young generation at the size the last burst of work grew it to
 * until its next collection, and a worker that waits for the next scheduled run
 * allocates so little that the next collection does not come: with `up` and 100
 * schedules, about 40 MiB of the worker process (bench/RESULTS.md). So when the
 * worker had nothing in flight at two checks in a row (5 s apart) and its
 * resident memory has grown since the last collection made here, one full
 * collection runs; V8 then shrinks the young generation to what the (low)
 * allocation rate needs. It pauses the main thread for some tens of
 * milliseconds, at a moment when nothing runs.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** What the worker has in flight (a subset of the SDK's WorkerStatus). */
export interface WorkerLoad {
  numInFlightActivities: number;
  numInFlightWorkflowActivations: number;
}

/** Growth of resident memory that is worth a collection: less is left alone. */
export const COMPACT_AFTER_GROWTH_BYTES = 16 * 1024 * 1024;

/**
 * Whether to collect now: nothing in flight, and the resident memory is
 * `growthBytes` above what it was after the last collection (or there was none).
 */
export function shouldCompact(
  load: WorkerLoad,
  residentBytes: number,
  afterLast: number | undefined,
  growthBytes = COMPACT_AFTER_GROWTH_BYTES,
): boolean {
  if (load.numInFlightActivities > 0 || load.numInFlightWorkflowActivations > 0) return false;
  return afterLast === undefined || residentBytes - afterLast >= growthBytes;
}

let collect: (() => void) | undefined;

/**
 * A full collection of this thread's heap. Node offers none without
 * --expose-gc at start-up; with the flag set for a moment, a new context's
 * `gc` is that function (the flag is turned off again, so no later context,
 * such as a workflow sandbox, sees a `gc` global).
 */
function fullCollection(): () => void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    try {
      collect = vm.runInNewContext('gc') as () => void;
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  }
  return collect;
}

// Resident memory, not the heap's committed size: what the collection gives back
// is mostly pages of the young generation and of buffers, which users see here.
const resident = (): number => process.memoryUsage.rss();

export interface IdleCompaction {
  stop(): void;
}

/** One collection: the heap in use just before and just after it, and resident memory once it settled. */
export interface Compaction {
  heapUsedBefore: number;
  heapUsedAfter: number;
  residentAfter: number;
}

/**
 * Checks `firstAfterMs` after the start (the start-up's own allocations are
 * the first growth), then every `everyMs`; collects at a check that finds the
 * worker idle when the one before did too.
 */
export function startIdleCompaction(options: {
  load: () => WorkerLoad;
  onCompact?: (compaction: Compaction) => void;
  firstAfterMs?: number;
  everyMs?: number;
}): IdleCompaction {
  let afterLast: number | undefined;
  let settle: NodeJS.Timeout | undefined;
  // Idle at two checks in a row: not the instant between one task and the next of a run.
  let idleBefore = false;
  const check = (): void => {
    const load = options.load();
    const idle = load.numInFlightActivities === 0 && load.numInFlightWorkflowActivations === 0;
    const settled = idle && idleBefore;
    idleBefore = idle;
    const before = resident();
    if (!settled || !shouldCompact(load, before, afterLast)) return;
    const heapUsedBefore = v8.getHeapStatistics().used_heap_size;
    fullCollection()();
    const heapUsedAfter = v8.getHeapStatistics().used_heap_size;
    afterLast = before; // until the settled figure below: no second collection meanwhile
    // V8 hands the freed pages back from a thread of its own, just after the collection.
    settle = setTimeout(() => {
      afterLast = resident();
      options.onCompact?.({ heapUsedBefore, heapUsedAfter, residentAfter: afterLast });
    }, 1_000);
    settle.unref();
  };
  let every: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    check();
    every = setInterval(check, options.everyMs ?? 5_000);
    every.unref();
  }, options.firstAfterMs ?? 2_000);
  first.unref();
  return {
    stop() {
      clearTimeout(first);
      if (every) clearInterval(every);
      if (settle) clearTimeout(settle);
    },
  };
}
