/**
 * Waiting for something outside this process (a port, a line of output, a
 * run's state): the one polling loop the product, the tests and the
 * benchmarks share, so that every wait has a deadline and a message saying
 * what was awaited.
 */

export interface WaitOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** Pause between probes (default 200 ms). */
  intervalMs?: number;
  /** Checked after each probe that found nothing: a reason to give up at once (the process exited). */
  abortIf?: () => string | undefined;
  /** Added to the error: what helps to see why (the output so far). */
  detail?: () => string;
}

export class WaitTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

type NotYet = undefined | null | false;

/**
 * Probe until it returns something other than undefined, null or false, and return that.
 * `options` may be the timeout alone, in milliseconds.
 * @throws {WaitTimeoutError} the deadline passed, or `abortIf` gave a reason
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | NotYet | Promise<T | NotYet>,
  optionsOrTimeoutMs: WaitOptions | number = {},
): Promise<Exclude<T, NotYet>> {
  const options = typeof optionsOrTimeoutMs === 'number' ? { timeoutMs: optionsOrTimeoutMs } : optionsOrTimeoutMs;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value as Exclude<T, NotYet>;
    const reason = options.abortIf?.();
    if (reason) {
      // What it wrote just before it exited may have come in after the probe.
      const last = await probe();
      if (last !== undefined && last !== null && last !== false) return last as Exclude<T, NotYet>;
    }
    const failure = reason
      ? `gave up waiting for ${what}: ${reason}`
      : Date.now() > deadline
        ? `timed out after ${timeoutMs} ms waiting for ${what}`
        : undefined;
    if (failure) {
      const detail = options.detail?.().trim();
      throw new WaitTimeoutError(detail ? `${failure}\n${detail}` : failure);
    }
    await sleep(options.intervalMs ?? 200);
  }
}

/** Something that writes output as it runs: a child process we started. */
export interface OutputSource {
  output(): string;
  /** Set once it has exited: waiting on for its output is then pointless. */
  exitCode?: () => number | null | undefined;
}

/**
 * Wait until the output matches `pattern` (a string: contains it); the match.
 * @throws {WaitTimeoutError} the deadline passed or the process exited first, with its output
 */
export async function waitForOutput(
  source: OutputSource,
  pattern: RegExp | string,
  options: Omit<WaitOptions, 'abortIf' | 'detail'> & { what?: string } = {},
): Promise<RegExpExecArray> {
  const regex =
    typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'), 'u') : pattern;
  return waitFor(options.what ?? `output matching ${String(regex)}`, () => regex.exec(source.output()), {
    ...options,
    abortIf: () => {
      const code = source.exitCode?.();
      return code === null || code === undefined ? undefined : `the process exited (${code})`;
    },
    detail: () => `output:\n${source.output().slice(-8000)}`,
  });
}
