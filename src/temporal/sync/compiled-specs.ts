/**
 * The server's compiled form of each distinct spec, learnt once per sync.
 * The server rewrites the spec we send (a cron becomes calendars), so drift
 * compares against a hash of what it made of it, kept in the action's memo.
 * Learning it costs a describe and a second write: the first schedule of a
 * spec pays that, and the others with that spec wait for it and carry the
 * hash from their creation on, without a second write.
 */
import { specHash, specKey } from './drift.js';
import { retryBusy } from './busy-retry.js';
import type { SyncScheduleHandle } from './server.js';
import { withServerSpec, type DesiredSchedule } from '../schedule-mapping.js';

/** Describe the schedule just written and record the hash of its compiled spec in its action's memo. */
async function recordServerSpec(handle: SyncScheduleHandle): Promise<string> {
  const described = await handle.describe();
  const hash = specHash(described);
  await handle.update((current) => withServerSpec(current, hash));
  return hash;
}

/** What a writer of one schedule is told: the hash if known, else how to report learning it. */
export interface SpecClaim {
  known: string | undefined;
  /** After this caller's write: learn the compiled spec from the written schedule. */
  learn: (handle: SyncScheduleHandle) => Promise<void>;
  /** Always, last: if this caller was to learn it and did not, the next writer of the spec learns it. */
  release: () => void;
}

export class CompiledSpecs {
  private readonly known = new Map<string, Promise<string | undefined>>();

  /** The compiled spec of `d` when known (after waiting for the schedule learning it); else this caller learns it. */
  async claim(d: DesiredSchedule): Promise<SpecClaim> {
    const key = specKey(d);
    const pending = this.known.get(key);
    const known = pending ? await pending : undefined;
    if (known) return { known, learn: async () => {}, release: () => {} };
    // Unknown, or its learner failed: learn it here (waiters of a failed learner record their own).
    let settle: ((hash: string | undefined) => void) | undefined;
    if (!pending) this.known.set(key, new Promise((resolve) => (settle = resolve)));
    return {
      known: undefined,
      learn: async (handle) => {
        const hash = await retryBusy(() => recordServerSpec(handle));
        settle?.(hash);
        settle = undefined;
      },
      release: () => {
        if (!settle) return;
        this.known.delete(key);
        settle(undefined);
      },
    };
  }
}
