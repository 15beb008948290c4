/** How a followed run reads on the terminal: one line per task state, the heartbeat line, the outcome. */
import type { FollowEvent, FollowOutcome } from '../../temporal/follow.js';
import { DEFAULT_RECONNECT_WINDOW_MS } from '../../temporal/server-errors.js';
import { EXIT_OUTCOME_UNKNOWN, RunOutcomeUnknownError } from '../../errors.js';
import { parseDuration } from '../../util/duration.js';
import type { TaskResult } from '../../../workflows/types.js';
import { formatDuration } from '../../../workflows/summary.js';

/** The exit code of a followed run: 0 completed, 1 the run failed, 4 its outcome is unknown. */
export function followExitCode(outcome: FollowOutcome): number {
  return outcome === 'completed' ? 0 : outcome === 'failed' ? 1 : EXIT_OUTCOME_UNKNOWN;
}

/** How long following keeps reconnecting to a server that went away: MELTANO_TEMPORAL_RECONNECT_TIMEOUT, default 2m. */
export function reconnectWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MELTANO_TEMPORAL_RECONNECT_TIMEOUT;
  return raw ? parseDuration(raw, 'MELTANO_TEMPORAL_RECONNECT_TIMEOUT', 's') : DEFAULT_RECONNECT_WINDOW_MS;
}

function rows(result: TaskResult): string {
  const entries = Object.entries(result.rowsPerStream);
  return entries.length ? `, rows: ${entries.map(([s, n]) => `${s}=${n}`).join(' ')}` : '';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(0)}s`;
}

/** A printer for one run's events; repeated heartbeats with the same text are shown once. */
export function runPrinter(workflowId: string, out: NodeJS.WritableStream = process.stderr) {
  let lastBeat = '';
  return (e: FollowEvent): void => {
    if (e.type === 'task') {
      const label = `[${e.index + 1}/${e.total}] ${e.args.join(' ')}`;
      if (e.state === 'running') out.write(`${label}: started\n`);
      else if (e.state === 'succeeded' && e.result)
        out.write(
          `${label}: finished in ${formatDuration(e.result.durationMs)} (attempt ${e.result.attempt})${rows(e.result)}\n`,
        );
      else out.write(`${label}: ${e.state}\n`);
    } else if (e.type === 'heartbeat') {
      const { beat } = e;
      // Silence is shown once it is long enough to matter (a stuck task), in steps of 10 s.
      const quiet =
        (beat.idleMs ?? 0) >= 30_000 ? `, no output for ${seconds(beat.idleMs ?? 0).replace(/\ds$/u, '0s')}` : '';
      const rowsSoFar = beat.rows !== undefined ? `, ${beat.rows} rows` : '';
      const text = `  … ${(beat.elapsedMs / 1000).toFixed(0)}s, ${beat.lines} lines${rowsSoFar}${quiet}${beat.lastLine ? `: ${beat.lastLine.slice(0, 120)}` : ''}`;
      if (text !== lastBeat) out.write(`${text}\n`);
      lastBeat = text;
    } else if (e.type === 'connection-lost') {
      out.write(
        `lost the server, reconnecting… (${e.cause}); the run itself goes on; giving up at ${e.giveUpAt.toISOString()}\n`,
      );
    } else if (e.type === 'reconnected') {
      out.write(`reconnected to the server after ${seconds(e.lostMs)}; following ${workflowId} again\n`);
    } else if (e.type === 'completed') {
      // A custom workflow returns what its author chose: the count only when it is a job's result.
      const tasks = Array.isArray(e.result?.tasks) ? `: ${e.result.tasks.length} task(s)` : '';
      out.write(`run ${workflowId} completed${tasks}\n`);
    } else if (e.type === 'failed') {
      out.write(`run ${workflowId} failed: ${e.message}\n`);
    } else {
      out.write(`${new RunOutcomeUnknownError(workflowId, e.reason).describe()}\n`);
    }
  };
}
