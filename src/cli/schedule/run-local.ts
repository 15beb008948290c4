/** `schedule run NAME --local`: the schedule's tasks in this process (src/meltano/local-run.ts), one line per task state; Ctrl-C cancels. */
import { loadProject, type LoadOptions } from '../../project/load.js';
import { runScheduleLocally, type LocalTaskEvent } from '../../meltano/local-run.js';
import type { MeltanoRunOptions } from '../../meltano/run-options.js';
import { formatDuration } from '../../../workflows/summary.js';

function printTaskEvent(e: LocalTaskEvent): void {
  const label = `[${e.task.index + 1}/${e.total}] ${e.task.args.join(' ')}`;
  if (e.type === 'started') {
    process.stderr.write(`${label}: started\n`);
  } else if (e.type === 'finished') {
    const rows = Object.entries(e.result.rowsPerStream)
      .map(([s, n]) => `${s}=${n}`)
      .join(' ');
    process.stderr.write(
      `${label}: finished in ${formatDuration(e.result.durationMs)}${rows ? `, rows: ${rows}` : ''}\n`,
    );
  } else {
    process.stderr.write(`${label}: failed: ${e.error.message.split('\n')[0]}\n`);
  }
}

export async function runLocally(
  options: LoadOptions,
  name: string,
  environment?: string,
  runOptions?: MeltanoRunOptions,
): Promise<number> {
  const project = loadProject(options);
  const abort = new AbortController();
  const stop = (): void => abort.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const ok = await runScheduleLocally(project, name, {
      ...(environment ? { environment } : {}),
      ...(runOptions ? { runOptions } : {}),
      signal: abort.signal,
      onEvent: printTaskEvent,
      onLine: (line) => process.stderr.write(`  ${line}\n`),
      onWarning: (message) => process.stderr.write(`${message}\n`),
    });
    return ok ? 0 : 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
