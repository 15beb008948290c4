/**
 * What the CLI does when the reader of its stdout or stderr goes away. Node ignores
 * SIGPIPE, so each write after that fails with EPIPE, and unhandled that is a crash
 * with a stack trace.
 *
 * - A command that prints and ends (`job list --format=json | head -1`) stops quietly,
 *   with the status a shell reports for a process ended by SIGPIPE (128 + 13), as
 *   coreutils and git do.
 * - A long-running one (`worker`, `up`) keeps running and stops writing to that stream:
 *   under `meltano invoke`, stderr is a pipe to meltano, which exits at once on Ctrl-C
 *   while the worker still drains its running tasks. Their output stays in the task log
 *   files (.meltano/logs/temporal/...), and the drain must not be cut short by a log line.
 */
let keepRunning = false;

/** Installed once, before the program loads (bin.ts). */
export function handleClosedOutput(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // ERR_STREAM_DESTROYED: a write that raced the EPIPE, on a stream already given up.
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
      if (!keepRunning) process.exit(141);
      silence(stream);
    });
  }
}

/** From now on a closed stdout or stderr is written no more, and the process goes on. */
export function keepRunningWhenOutputCloses(): void {
  keepRunning = true;
}

/** Every later write (console.*, loggers, process.stderr.write) succeeds and goes nowhere. */
function silence(stream: NodeJS.WriteStream): void {
  stream.write = ((_chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as (err?: Error | null) => void)(null));
    return true;
  }) as NodeJS.WriteStream['write'];
}
