/** What `meltano-temporal up` does when it runs (its flags are in up.ts): runs src/temporal/up.ts and prints each event as an `[up]` line. */
import type { Command } from 'commander';
import type { SyncReport } from '../temporal/sync.js';
import type { UpEvent } from '../temporal/up.js';
import { printError } from './context.js';
import { runPrinter } from './run-output.js';
import { settingsOf, withProjectId } from './server-context.js';
import { serverFlags } from './server-options.js';
import { parsePort } from '../util/values.js';
import { workerSettings, type WorkerFlags } from './worker-flags.js';

export interface UpFlags extends WorkerFlags {
  port: string;
  uiPort: string;
  codecPort: string;
  trigger?: string;
}

const say = (text: string): void => {
  process.stderr.write(`[up] ${text}\n`);
};

type FormatSyncItem = (typeof import('../temporal/sync.js'))['formatSyncItem'];

function printSynced(report: SyncReport, formatSyncItem: FormatSyncItem): void {
  for (const item of report.items) if (item.action !== 'unchanged') say(formatSyncItem(item));
  const count = (f: (a: string) => boolean): number => report.items.filter((i) => f(i.action)).length;
  say(
    `sync: ${count((a) => a === 'unchanged')} unchanged, ${count((a) => a !== 'unchanged' && a !== 'error')} changed, ${count((a) => a === 'error')} error(s)`,
  );
  for (const warning of report.warnings) say(`warning: ${warning}`);
}

/** Events print synchronously, in the order they happen. */
function printer(formatSyncItem: FormatSyncItem): (e: UpEvent) => void {
  const runs = new Map<string, ReturnType<typeof runPrinter>>();
  return (e) => {
    const tty = process.stderr.isTTY;
    if (e.type === 'server-starting') say(`starting the embedded Temporal dev server (data: ${e.dataDir})`);
    else if (e.type === 'server-started') say(`Temporal at ${e.address}`);
    else if (e.type === 'codec-server-started')
      say(`payload encryption on: codec server for the Web UI at ${e.url} (origins ${e.uiOrigins.join(', ')})`);
    else if (e.type === 'server-external') say(`using the Temporal server at ${e.address}`);
    else if (e.type === 'sync-progress' && tty) process.stderr.write(`\r[up] syncing ${e.done}/${e.total}`);
    else if (e.type === 'synced') {
      if (tty) process.stderr.write('\r\x1b[K');
      printSynced(e.report, formatSyncItem);
    } else if (e.type === 'schedules') {
      for (const s of e.schedules) {
        if (!s.inTemporal) say(`  ${s.name.padEnd(24)} not in Temporal (see the sync errors above)`);
        else
          say(
            `  ${s.name.padEnd(24)} ${String(s.interval).padEnd(14)} next: ${s.next?.toISOString() ?? 'manual runs only'}${s.paused ? ' (paused)' : ''}`,
          );
      }
      if (e.uiUrl) say(`Temporal Web UI: ${e.uiUrl}/namespaces/${e.namespace}/schedules`);
    } else if (e.type === 'config-changed') say(`${e.files.join(', ')} changed: syncing`);
    else if (e.type === 'config-error') {
      say('a project file has an error; the schedules keep their last good state:');
      printError(e.error);
    } else if (e.type === 'worker-ready') say(`worker polling task queue '${e.taskQueue}'; Ctrl-C stops everything`);
    else if (e.type === 'triggered') {
      if (!e.workflowId) say(`triggered ${e.schedule}, but no run started (a run in progress?)`);
      else {
        say(`triggered ${e.schedule}: ${e.workflowId}${e.url ? ` (${e.url})` : ''}`);
        runs.set(e.schedule, runPrinter(e.workflowId));
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
      );
    else if (e.type === 'stopping') say('stopping: worker first (running tasks get the grace period), then the server');
    else if (e.type === 'server-stopped') say('embedded Temporal stopped');
  };
}

export async function runUpCommand(flags: UpFlags, cmd: Command): Promise<void> {
  const worker = workerSettings(flags);
  const port = parsePort(flags.port, '--port');
  const uiPort = parsePort(flags.uiPort, '--ui-port');
  const codecPort = parsePort(flags.codecPort, '--codec-port');
  const connection = await settingsOf(cmd);
  const project = await withProjectId(cmd);
  const { runUp } = await import('../temporal/up.js');
  const abort = new AbortController();
  const shutdown = (): void => abort.abort();
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  const print = printer((await import('../temporal/sync.js')).formatSyncItem);
  try {
    await runUp(
      {
        project,
        connection,
        scope: serverFlags(cmd),
        port,
        uiPort,
        codecPort,
        worker,
        ...(flags.trigger ? { trigger: flags.trigger } : {}),
        signal: abort.signal,
      },
      print,
    );
  } finally {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
  }
}
