/**
 * What `meltano-temporal up` does when it runs (its flags are in command.ts): parse
 * them, run src/temporal/up.ts and print each event through output.ts.
 * Errors are printed here too, since with --log-format json they are JSON lines.
 */
import type { Command } from 'commander';
import { settingsOf, withProjectId } from '../program/server-context.js';
import { serverFlags } from '../program/server-options.js';
import { parsePort } from '../../util/values.js';
import { parseLogFormat, type LogFormat } from '../../util/log-line.js';
import { workerSettings, type WorkerFlags } from '../worker/flags.js';
import { parseSyncConcurrency } from '../sync/flags.js';
import { upError, upPrinter, upSay } from './output.js';
import { keepRunningWhenOutputCloses } from '../program/closed-output.js';
import { onStopSignals } from '../program/stop-signals.js';
import { captureTaskBaseEnvironment } from '../../meltano/child-env.js';

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
  let removeSignalHandlers = (): void => {};
  // Under `meltano invoke`, meltano exits at Ctrl-C and closes stderr: stopping goes on (closed-output.ts).
  keepRunningWhenOutputCloses();
  captureTaskBaseEnvironment();
  try {
    const worker = workerSettings(flags);
    const syncConcurrency = parseSyncConcurrency(flags.concurrency);
    const port = parsePort(flags.port, '--port');
    const uiPort = parsePort(flags.uiPort, '--ui-port');
    const codecPort = parsePort(flags.codecPort, '--codec-port');
    const connection = await settingsOf(cmd);
    const project = await withProjectId(cmd, undefined, upSay(format));
    const { runUp } = await import('../../temporal/up.js');
    // The first signal stops everything; a SIGTERM repeated within 2 s is the same request
    // (stop-signals.ts); a later signal ends the process at once, as its default action does.
    removeSignalHandlers = onStopSignals({
      stop: () => abort.abort(),
      again: (signal) => {
        removeSignalHandlers();
        process.kill(process.pid, signal);
      },
    });
    const print = upPrinter((await import('../../temporal/sync/report.js')).formatSyncItem, format);
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
    removeSignalHandlers();
  }
}
