/**
 * SIGINT and SIGTERM for the long-running commands (`worker`, `up`): the first asks
 * them to stop gracefully, a later one to stop now. Which later signal counts as "again":
 *
 * - every SIGINT: a person pressed Ctrl-C again;
 * - a SIGTERM only once SAME_REQUEST_WINDOW_MS have passed since the first signal. A
 *   SIGTERM sooner is the same request delivered twice: `kill -TERM -<pgid>` (or
 *   `systemctl stop` with KillMode=control-group) signals every process of the group,
 *   and `meltano invoke` forwards the SIGTERM it got itself, so the worker under it gets
 *   two within milliseconds. Service managers escalate with SIGKILL after their own
 *   timeout, not with a second SIGTERM.
 */
export const SAME_REQUEST_WINDOW_MS = 2000;

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** What a received signal means, given the ones before it. */
export type StopMeaning = 'stop' | 'same' | 'again';

/** The rule above, with the clock passed in (pure). */
export class StopRequests {
  private firstAt: number | undefined;

  constructor(private readonly windowMs = SAME_REQUEST_WINDOW_MS) {}

  receive(signal: StopSignal, now: number): StopMeaning {
    if (this.firstAt === undefined) {
      this.firstAt = now;
      return 'stop';
    }
    if (signal === 'SIGTERM' && now - this.firstAt < this.windowMs) return 'same';
    return 'again';
  }
}

export interface StopHandlers {
  /** The first signal: stop gracefully. */
  stop(signal: StopSignal): void;
  /** A repeat that is the same request (see above); optional note for the log. */
  same?(signal: StopSignal): void;
  /** A later signal: stop now. */
  again(signal: StopSignal): void;
}

/** Handle SIGINT and SIGTERM from now on; returns the function that removes the handlers. */
export function onStopSignals(handlers: StopHandlers, windowMs = SAME_REQUEST_WINDOW_MS): () => void {
  const requests = new StopRequests(windowMs);
  const listener = (signal: StopSignal): void => {
    const meaning = requests.receive(signal, performance.now());
    if (meaning === 'stop') handlers.stop(signal);
    else if (meaning === 'same') handlers.same?.(signal);
    else handlers.again(signal);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}
