/**
 * `meltano-temporal up`: everything on one host (see src/temporal/up.ts).
 * This file parses the flags, calls runUp and prints its events through
 * up-output.ts (`[up]` lines, or JSON lines with --log-format json).
 */
import { Command } from 'commander';
import { addServerOptions, serverFlags, settingsOf, withProjectId } from './server-context.js';
import { parsePort } from '../util/values.js';
import { parseLogFormat, type LogFormat } from '../util/log-line.js';
import { addLogOptions, addWorkerOptions, workerSettings, type WorkerFlags } from './worker-flags.js';
import { addSyncConcurrencyOption, parseSyncConcurrency } from './sync-flags.js';
import { upError, upPrinter, upSay } from './up-output.js';

type UpFlags = WorkerFlags & { port: string; uiPort: string; codecPort: string; concurrency: string; trigger?: string };

/** The log format asked for; an invalid one is reported (in text) by workerSettings. */
function logFormatOf(flags: UpFlags): LogFormat {
  try {
    return parseLogFormat(flags.logFormat ?? 'text', '--log-format');
  } catch {
    return 'text';
  }
}

export function upCommand(): Command {
  return addSyncConcurrencyOption(
    addLogOptions(addWorkerOptions(addServerOptions(new Command('up')))),
    ' by each sync (at start and on every change)',
  )
    .description(
      'Start the embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), sync the schedules, run a worker, and re-sync on every change to meltano.yml, its include_paths files (in any sub-folder, new ones too) and .env. Ctrl-C stops everything. The worker flags are those of `worker`; --log-format json makes every line up writes a JSON object.',
    )
    .option('--port <port>', 'embedded server gRPC port', '7233')
    .option('--ui-port <port>', 'embedded Web UI port', '8233')
    .option(
      '--codec-port <port>',
      'with MELTANO_TEMPORAL_ENCRYPTION_KEY set: port of the codec server the embedded Web UI decodes through',
      '8081',
    )
    .option('--trigger <schedule>', 'trigger one run of this schedule once everything is up, and follow it')
    .action(async (flags: UpFlags, cmd: Command) => {
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
        const print = upPrinter((await import('../temporal/sync.js')).formatSyncItem, format);
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
    });
}
