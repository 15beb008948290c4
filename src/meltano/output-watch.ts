/**
 * What a running task has printed so far (lines, bytes, rows, when it last
 * printed), for its heartbeat, and the stall watchdog: a task that printed
 * nothing for `stall_timeout` is declared stalled. A hung tap (a stuck API
 * call) keeps its process alive and the heartbeat timer ticking, so only
 * the absence of output tells it apart from a slow but working one.
 */
import { performance } from 'node:perf_hooks';

export interface OutputProgress {
  lines: number;
  /** Bytes of output (UTF-8, one newline per line). */
  bytes: number;
  /** Milliseconds since the last line (or since the start, before the first). */
  idleMs: number;
}

export class OutputWatch {
  lines = 0;
  bytes = 0;
  private lastAt: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.lastAt = now();
  }

  /** One output line arrived. */
  line(text: string): void {
    this.lines++;
    this.bytes += Buffer.byteLength(text) + 1;
    this.lastAt = this.now();
  }

  progress(): OutputProgress {
    return { lines: this.lines, bytes: this.bytes, idleMs: Math.round(this.now() - this.lastAt) };
  }

  /**
   * Calls `onStall` once when `stallMs` pass without a line; checks at most
   * every second (a stall timeout is meant in seconds to hours). `stop()`
   * ends the watch.
   */
  watchForStall(stallMs: number, onStall: (idleMs: number) => void): void {
    const check = (): void => {
      const idle = this.now() - this.lastAt;
      if (idle >= stallMs) {
        this.timer = undefined;
        onStall(Math.round(idle));
        return;
      }
      this.timer = setTimeout(check, Math.min(1000, stallMs - idle));
    };
    this.timer = setTimeout(check, Math.min(1000, stallMs));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
