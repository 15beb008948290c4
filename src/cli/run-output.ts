/** How a followed run reads on the terminal: one line per task state, the heartbeat line, the outcome. */
import type { FollowEvent } from '../temporal/follow.js';
import type { TaskResult } from '../../workflows/types.js';

function rows(result: TaskResult): string {
  const entries = Object.entries(result.rowsPerStream);
  return entries.length ? `, rows: ${entries.map(([s, n]) => `${s}=${n}`).join(' ')}` : '';
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
          `${label}: finished in ${(e.result.durationMs / 1000).toFixed(1)}s (attempt ${e.result.attempt})${rows(e.result)}\n`,
        );
      else out.write(`${label}: ${e.state}\n`);
    } else if (e.type === 'heartbeat') {
      const { beat } = e;
      const text = `  … ${(beat.elapsedMs / 1000).toFixed(0)}s, ${beat.lines} lines${beat.lastLine ? `: ${beat.lastLine.slice(0, 120)}` : ''}`;
      if (text !== lastBeat) out.write(`${text}\n`);
      lastBeat = text;
    } else if (e.type === 'completed') {
      out.write(`run ${workflowId} completed: ${e.result.tasks.length} task(s)\n`);
    } else {
      out.write(`run ${workflowId} failed: ${e.message}\n`);
    }
  };
}
