/**
 * How `up` reports what happens: `[up] ...` lines of text, or with
 * `--log-format json` one JSON object per line (`time`, `level`, `message`,
 * `sdkComponent: "up"`), in the same form as the worker's entries, so that
 * everything `up` writes to stderr is one kind of line for a log shipper.
 */
import { Writable } from 'node:stream';
import type { SyncReport } from '../../temporal/sync/report.js';
import type { UpEvent } from '../../temporal/up.js';
import { errorReport } from '../program/error-report.js';
import { runPrinter } from '../runs/follow-output.js';
import { jsonLogLine, type LogFormat } from '../../util/log-line.js';

type Level = 'INFO' | 'WARN' | 'ERROR';
type FormatSyncItem = (typeof import('../../temporal/sync/report.js'))['formatSyncItem'];

/** `up`'s own lines, in its log format. */
export function upSay(format: LogFormat): (text: string, level?: Level) => void {
  return (text, level = 'INFO') => {
    if (format === 'json') process.stderr.write(`${jsonLogLine(new Date(), level, text, { sdkComponent: 'up' })}\n`);
    else process.stderr.write(`[up] ${text}\n`);
  };
}

/** An error that ends `up` (or that it survives), in its log format; the exit code it means. */
export function upError(format: LogFormat, err: unknown): number {
  const report = errorReport(err);
  if (format === 'json') upSay(format)(report.text, 'ERROR');
  else process.stderr.write(`Error: ${report.text}\n`);
  return report.exitCode;
}

/** A stream that writes each line written to it as one entry of `up`'s log (for the followed run's lines). */
function lineStream(say: (text: string) => void): NodeJS.WritableStream {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) say(line);
      done();
    },
  });
}

function printSynced(report: SyncReport, formatSyncItem: FormatSyncItem, say: ReturnType<typeof upSay>): void {
  for (const item of report.items)
    if (item.action !== 'unchanged') say(formatSyncItem(item), item.action === 'error' ? 'ERROR' : 'INFO');
  const count = (f: (a: string) => boolean): number => report.items.filter((i) => f(i.action)).length;
  say(
    `sync: ${count((a) => a === 'unchanged')} unchanged, ${count((a) => a !== 'unchanged' && a !== 'skip' && a !== 'error')} changed, ${count((a) => a === 'error')} error(s)`,
  );
  for (const warning of report.warnings) say(`warning: ${warning}`, 'WARN');
}

/** A printer of `up`'s events; events print synchronously, in the order they happen. */
export function upPrinter(formatSyncItem: FormatSyncItem, format: LogFormat): (e: UpEvent) => void {
  const say = upSay(format);
  const runs = new Map<string, ReturnType<typeof runPrinter>>();
  // Progress redraws one line: only for a person watching text on a terminal.
  const tty = format === 'text' && process.stderr.isTTY;
  return (e) => {
    if (e.type === 'server-starting') say(`starting the embedded Temporal dev server (data: ${e.dataDir})`);
    else if (e.type === 'server-started') say(`Temporal at ${e.address}`);
    else if (e.type === 'codec-server-started')
      say(`payload encryption on: codec server for the Web UI at ${e.url} (origins ${e.uiOrigins.join(', ')})`);
    else if (e.type === 'server-external') say(`using the Temporal server at ${e.address}`);
    else if (e.type === 'sync-progress' && tty) process.stderr.write(`\r[up] syncing ${e.done}/${e.total}`);
    else if (e.type === 'synced') {
      if (tty) process.stderr.write('\r\x1b[K');
      printSynced(e.report, formatSyncItem, say);
    } else if (e.type === 'schedules') {
      for (const s of e.schedules) {
        if (!s.inTemporal) say(`  ${s.name.padEnd(24)} not in Temporal (see the sync errors above)`, 'WARN');
        else
          say(
            `  ${s.name.padEnd(24)} ${String(s.interval).padEnd(14)} next: ${s.next?.toISOString() ?? 'manual runs only'}${s.paused ? ' (paused)' : ''}`,
          );
      }
      if (e.uiUrl) say(`Temporal Web UI: ${e.uiUrl}/namespaces/${e.namespace}/schedules`);
    } else if (e.type === 'config-changed') say(`${e.files.join(', ')} changed: syncing`);
    else if (e.type === 'workflows-changed')
      say(`${e.files.join(', ')} changed: bundling workflows again, restarting the worker`);
    else if (e.type === 'config-error') {
      say('a project file has an error; the schedules keep their last good state:', 'WARN');
      upError(format, e.error);
    } else if (e.type === 'worker-ready') say(`worker polling task queue '${e.taskQueue}'; Ctrl-C stops everything`);
    else if (e.type === 'triggered') {
      if (!e.workflowId) say(`triggered ${e.schedule}, but no run started (a run in progress?)`, 'WARN');
      else {
        say(`triggered ${e.schedule}: ${e.workflowId}${e.url ? ` (${e.url})` : ''}`);
        runs.set(
          e.schedule,
          runPrinter(e.workflowId, format === 'json' ? lineStream((line) => say(line)) : process.stderr),
        );
      }
    } else if (e.type === 'run') {
      // The run's own outcome line is replaced by up's, which says that up keeps running.
      if (e.event.type !== 'completed' && e.event.type !== 'failed') runs.get(e.schedule)?.(e.event);
    } else if (e.type === 'run-finished')
      say(
        e.outcome === 'completed'
          ? `run of ${e.schedule} completed; up keeps running (Ctrl-C to stop)`
          : e.outcome === 'failed'
            ? `run of ${e.schedule} failed; see above`
            : `stopped following the run of ${e.schedule}; see above`,
        e.outcome === 'completed' ? 'INFO' : 'ERROR',
      );
    else if (e.type === 'stopping') say('stopping: worker first (running tasks get the grace period), then the server');
    else if (e.type === 'server-stopped') say('embedded Temporal stopped');
  };
}
