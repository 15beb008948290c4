/**
 * What `meltano-temporal up` does when it runs (its flags are in up.ts): parse
 * them, run src/temporal/up.ts and print each event through up-output.ts.
 * Errors are printed here too, since with --log-format json they are JSON lines.
 */
import type { Command } from 'commander';
import { settingsOf, withProjectId } from './server-context.js';
import { serverFlags } from './server-options.js';
import { parsePort } from '../util/values.js';
import { parseLogFormat, type LogFormat } from '../util/log-line.js';
import { workerSettings, type WorkerFlags } from './worker-flags.js';
import { parseSyncConcurrency } from './sync-flags.js';
import { upError, upPrinter, upSay } from './up-output.js';

export type UpFlags = WorkerFlags & {
  port: string;
  uiPort: string;
  codecPort: string;
  concurrency: string;
  trigger?: string;
};

/** The log format asked for; an invalid one is reported (in text) by workerSettings. */
function logFormatOf(flags: UpFlags): LogFormat {
  try {
    return parseLogFormat(flags.logFormat ?? 'text', '--log-format');
  } catch {
    return 'text';
  }
}

export async function runUpCommand(flags: UpFlags, cmd: Command): Promise<void> {
  const format = logFormatOf(flags);
  const abort = new AbortController();
  const shutdown = (): void => abort.abort();
  try {
    const worker = workerSettings(flags);
    const syncConcurrency = parseSyncConcurrency(flags.concurrency);
    const port = parsePort(flags.port, '--port');
    const uiPort = parsePort(flags.uiPort, '--ui-port');
    const codecPort = parsePort(flags.codecPort, '--codec-port');
    const connection = await settingsOf(cmd);
    const project = await withProjectId(cmd, undefined, upSay(format));
    const { runUp } = await import('../temporal/up.js');
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    const print = upPrinter((await import('../temporal/sync/report.js')).formatSyncItem, format);
    await runUp(
      {
        project,
        connection,
        scope: serverFlags(cmd),
        port,
        uiPort,
        codecPort,
        worker,
        syncConcurrency,
        ...(flags.trigger ? { trigger: flags.trigger } : {}),
        signal: abort.signal,
      },
      print,
    );
  } catch (err) {
    process.exitCode = upError(format, err);
  } finally {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
  }
}
