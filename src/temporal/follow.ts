/**
 * Follow a job run live: the workflow's progress query (which task runs,
 * which finished, with rows per stream) and the running task's heartbeat
 * (elapsed time, output lines), as events for the caller to show. The
 * heartbeat goes through the client's payload codec, so it reads the same
 * with encryption on.
 *
 * The run lives on the server, not in this connection: when the server
 * becomes unreachable while following (restarted, network down), following
 * keeps trying with backoff and reports the run's real outcome once the
 * server answers again. Only the run's own failure is a failure; a server
 * gone for longer than the reconnect window ends the following with an
 * unknown outcome, never with a failed run.
 */
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { progressQuery } from '../../workflows/contract.js';
import { formatDuration } from '../../workflows/summary.js';
import type { JobProgress, JobRunResult, TaskHeartbeat, TaskResult, TaskState } from '../../workflows/types.js';
import { DEFAULT_RECONNECT_WINDOW_MS, isConnectionLoss, serverCause } from './server-errors.js';
import { clientSdk } from './sdk.js';

export type FollowEvent =
  | { type: 'task'; index: number; total: number; args: string[]; state: TaskState; result?: TaskResult }
  | { type: 'heartbeat'; beat: TaskHeartbeat }
  /** The server stopped answering; following retries until `giveUpAt`. */
  | { type: 'connection-lost'; cause: string; giveUpAt: Date }
  /** The server answers again after `lostMs`. */
  | { type: 'reconnected'; lostMs: number }
  | { type: 'completed'; result: JobRunResult }
  | { type: 'failed'; message: string }
  /** Following ended without the run's outcome (server gone too long, or it refused to say); the run goes on. */
  | { type: 'unknown'; reason: string };

/** How following ended: the run's own outcome, or `unknown` when the server could not tell it. */
export type FollowOutcome = 'completed' | 'failed' | 'unknown';

export interface FollowOptions {
  /** How long to keep reconnecting while the server is unreachable (default 2 minutes). */
  reconnectWindowMs?: number;
  /**
   * Stop following: calls in flight are cancelled and the outcome is `unknown`, with no
   * event. Whoever closes the client's connection must stop following first and wait:
   * the SDK retries a call that failed as the channel closed, and that retry throws
   * from a timer once the channel is gone (an uncaught error that ended `up`).
   */
  signal?: AbortSignal;
}

/** Decode one heartbeat payload: codecs (in reverse order), then the payload converter. */
async function decodeHeartbeat(client: Client, payload: Payload): Promise<TaskHeartbeat> {
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  let decoded = [payload];
  for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return payloadConverter.fromPayload(decoded[0] as Payload);
}

/**
 * Whether the server is reachable, as seen by every call following makes:
 * the first failure starts the loss (one `connection-lost` event), the first
 * success after it ends it (`reconnected`); the loss expires after the window.
 */
class ServerContact {
  private lostAt: number | undefined;
  constructor(
    private readonly windowMs: number,
    private readonly onEvent: (event: FollowEvent) => void,
  ) {}

  lost(err: unknown): void {
    if (this.lostAt !== undefined) return;
    this.lostAt = Date.now();
    // grpc-js ends its message with an empty "Resolution note:"; it says nothing here.
    const cause = serverCause(err).replace(/\s*Resolution note:\s*$/u, '');
    this.onEvent({ type: 'connection-lost', cause, giveUpAt: new Date(this.lostAt + this.windowMs) });
  }

  reached(): void {
    if (this.lostAt === undefined) return;
    const lostMs = Date.now() - this.lostAt;
    this.lostAt = undefined;
    this.onEvent({ type: 'reconnected', lostMs });
  }

  /** Time lost so far when past the window, else undefined. */
  expired(): number | undefined {
    if (this.lostAt === undefined) return undefined;
    const lostMs = Date.now() - this.lostAt;
    return lostMs >= this.windowMs ? lostMs : undefined;
  }
}

type Ending =
  | { kind: 'completed'; result: JobRunResult }
  | { kind: 'failed'; message: string }
  | { kind: 'unknown'; reason: string };

/**
 * Runs `fn`'s calls cancellable by `signal`. The SDK adds an abort listener to
 * the signal for every gRPC call and never removes it, so a long follow on one
 * signal piled them up (and Node warned past 10, on stderr, breaking
 * `--log-format json`). Each call gets a signal of its own that the long-lived
 * one aborts: it holds one listener per call in flight, not one per call made.
 */
async function cancellableBy<T>(client: Client, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  const own = new AbortController();
  const forward = (): void => own.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  try {
    return await client.withAbortSignal(own.signal, fn);
  } finally {
    signal.removeEventListener('abort', forward);
  }
}

/** Follow until the run ends, or until the server has been unreachable for the reconnect window. */
export async function followRun(
  client: Client,
  workflowId: string,
  onEvent: (event: FollowEvent) => void,
  options: FollowOptions = {},
): Promise<FollowOutcome> {
  const { WorkflowFailedError } = clientSdk();
  const windowMs = options.reconnectWindowMs ?? DEFAULT_RECONNECT_WINDOW_MS;
  const contact = new ServerContact(windowMs, onEvent);
  const handle = client.workflow.getHandle(workflowId);
  const { signal } = options;
  const call = <T>(fn: () => Promise<T>): Promise<T> => (signal ? cancellableBy(client, signal, fn) : fn());
  const stopped = (): boolean => signal?.aborted === true;
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  const seen = new Map<number, TaskState>();
  let ending: Ending | undefined;

  const giveUp = (lostMs: number): Ending => ({
    kind: 'unknown',
    reason: `the Temporal server has not answered for ${formatDuration(lostMs)}`,
  });

  // The run's outcome: a long poll on its history, started again whenever the connection drops.
  const outcome = (async (): Promise<Ending> => {
    for (let attempt = 0; !ending && !stopped(); attempt++) {
      try {
        const result = (await call(() => handle.result())) as JobRunResult;
        contact.reached();
        return { kind: 'completed', result };
      } catch (err) {
        if (stopped()) break;
        if (err instanceof WorkflowFailedError) {
          contact.reached();
          const cause = (err as { cause?: Error }).cause;
          return { kind: 'failed', message: cause?.message ?? err.message };
        }
        if (!isConnectionLoss(err)) return { kind: 'unknown', reason: `the server did not say: ${serverCause(err)}` };
        contact.lost(err);
        const lostMs = contact.expired();
        if (lostMs !== undefined) return giveUp(lostMs);
        await pause(Math.min(5000, 500 * 2 ** Math.min(attempt, 4)));
      }
    }
    return ending ?? giveUp(windowMs);
  })().then((e) => (ending = e));

  const report = (progress: JobProgress | null): void => {
    if (!progress) return;
    for (const t of progress.tasks) {
      if (seen.get(t.index) === t.state || t.state === 'pending') continue;
      seen.set(t.index, t.state);
      onEvent({
        type: 'task',
        index: t.index,
        total: progress.tasks.length,
        args: t.args,
        state: t.state,
        ...(t.result ? { result: t.result } : {}),
      });
    }
  };
  while (!ending && !stopped()) {
    let payload: Payload | undefined;
    try {
      const description = await call(() => handle.describe());
      contact.reached();
      payload = (description.raw.pendingActivities ?? [])[0]?.heartbeatDetails?.payloads?.[0] as Payload | undefined;
    } catch (err) {
      // A lost server is noted here; the outcome loop keeps retrying until the window ends.
      if (isConnectionLoss(err)) contact.lost(err);
      const lostMs = contact.expired();
      if (lostMs !== undefined && !ending) ending = giveUp(lostMs);
    }
    try {
      // Not evidence about the server: a query also fails (or times out) while no worker polls.
      report(await call(() => handle.query(progressQuery)));
      if (payload) onEvent({ type: 'heartbeat', beat: await decodeHeartbeat(client, payload) });
    } catch {
      // The result tells the end; progress shows again once a worker answers.
    }
    await Promise.race([outcome, pause(1000)]);
  }
  if (stopped()) {
    await outcome;
    return 'unknown';
  }
  const end = ending as Ending;
  if (end.kind !== 'unknown') {
    try {
      report(await call(() => handle.query(progressQuery)));
    } catch {
      /* the final state is in the result */
    }
  }
  if (end.kind === 'completed') onEvent({ type: 'completed', result: end.result });
  else if (end.kind === 'failed') onEvent({ type: 'failed', message: end.message });
  else onEvent({ type: 'unknown', reason: end.reason });
  return end.kind;
}
