/**
 * `meltano-temporal up`: everything on one host. Starts the embedded
 * Temporal dev server (unless TEMPORAL_ADDRESS is set), syncs the schedules,
 * runs a worker, and re-syncs whenever meltano.yml or an included file
 * changes. Ctrl-C stops the worker, then the server: nothing is left behind.
 */
import { Command } from 'commander';
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { UserError } from '../project/errors.js';
import { loadProject } from '../project/load.js';
import type { Project } from '../project/model.js';
import { action, printError, projectOptions } from './context.js';
import { addServerOptions, serverContext, type ServerContext } from './server-context.js';
import { addWorkerOptions, type WorkerFlags } from './worker.js';

const say = (text: string): void => {
  process.stderr.write(`[up] ${text}\n`);
};

async function syncAndReport(server: ServerContext, project: Project): Promise<boolean> {
  const { formatSyncItem, syncSchedules } = await import('../temporal/sync.js');
  server.ctx.project = project;
  const report = await syncSchedules(server.client, project, server.ctx, {
    prune: true,
    onItem: (_i, done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r[up] syncing ${done}/${total}`);
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  for (const item of report.items) if (item.action !== 'unchanged') say(formatSyncItem(item));
  say(
    `sync: ${report.items.filter((i) => i.action === 'unchanged').length} unchanged, ${report.items.filter((i) => i.action !== 'unchanged' && i.action !== 'error').length} changed, ${report.items.filter((i) => i.action === 'error').length} error(s)`,
  );
  return report.ok;
}

async function printSchedules(server: ServerContext, project: Project, uiUrl: string | undefined): Promise<void> {
  const { scheduleId } = await import('../temporal/schedule-mapping.js');
  for (const s of project.schedules) {
    const id = scheduleId(server.ctx.projectKey, server.ctx.environment, s.name);
    try {
      const d = await server.client.schedule.getHandle(id).describe();
      const next = d.info.nextActionTimes[0]?.toISOString() ?? 'manual runs only';
      say(`  ${s.name.padEnd(24)} ${String(s.interval).padEnd(14)} next: ${next}${d.state.paused ? ' (paused)' : ''}`);
    } catch {
      say(`  ${s.name.padEnd(24)} not in Temporal (see the sync errors above)`);
    }
  }
  if (uiUrl) say(`Temporal Web UI: ${uiUrl}/namespaces/${server.client.options.namespace}/schedules`);
}

export function upCommand(): Command {
  return addWorkerOptions(addServerOptions(new Command('up')))
    .description(
      'Start the embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), sync the schedules, run a worker, and re-sync on every change to meltano.yml. Ctrl-C stops everything.',
    )
    .option('--port <port>', 'embedded server gRPC port', '7233')
    .option('--ui-port <port>', 'embedded Web UI port', '8233')
    .option('--trigger <schedule>', 'trigger one run of this schedule once everything is up, and follow it')
    .action(
      action(async (flags: WorkerFlags & { port: string; uiPort: string; trigger?: string }, cmd: Command) => {
        const project = loadProject(projectOptions(cmd));
        if (flags.trigger && !project.schedules.some((s) => s.name === flags.trigger)) {
          throw new UserError(
            `Schedule '${flags.trigger}' was not found.`,
            1,
            'see the schedules with: meltano-temporal schedule list',
          );
        }
        let devServer: Awaited<ReturnType<(typeof import('../temporal/dev-server.js'))['startDevServer']>> | undefined;
        let uiUrl: string | undefined;
        const external = flags.address ?? process.env.TEMPORAL_ADDRESS;
        if (!external) {
          const { startDevServer } = await import('../temporal/dev-server.js');
          say(`starting the embedded Temporal dev server (data: ${path.join(project.root, '.meltano', 'temporal')})`);
          devServer = await startDevServer({
            projectRoot: project.root,
            port: Number(flags.port),
            uiPort: Number(flags.uiPort),
          });
          cmd.setOptionValue('address', devServer.address);
          uiUrl = devServer.uiUrl;
          say(`Temporal at ${devServer.address}`);
        } else {
          say(`using the Temporal server at ${external}`);
        }
        const abort = new AbortController();
        let watcher: FSWatcher | undefined;
        let server: ServerContext | undefined;
        const shutdown = (): void => {
          if (abort.signal.aborted) return;
          say('stopping: worker first (running tasks get the grace period), then the server');
          abort.abort();
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
        try {
          server = await serverContext(cmd, project);
          const { ensureSearchAttributes } = await import('../temporal/sync.js');
          await ensureSearchAttributes(server.client);
          await syncAndReport(server, project);
          await printSchedules(server, project, uiUrl);

          // Re-sync on change, debounced; a broken edit is reported and the last good state keeps running.
          let timer: NodeJS.Timeout | undefined;
          let last = new Map(project.files.map((f) => [f.path, f.text]));
          const resync = async (): Promise<void> => {
            try {
              const next = loadProject({ root: project.root });
              const texts = new Map(next.files.map((f) => [f.path, f.text]));
              if (texts.size === last.size && [...texts].every(([p, t]) => last.get(p) === t)) return;
              last = texts;
              say('meltano.yml changed: syncing');
              if (server) await syncAndReport(server, next);
            } catch (err) {
              say('meltano.yml has an error; the schedules keep their last good state:');
              printError(err);
            }
          };
          watcher = watch(project.root, { recursive: false }, (_event, file) => {
            if (!file || !/\.ya?ml$/u.test(String(file))) return;
            clearTimeout(timer);
            timer = setTimeout(() => void resync(), 500);
          });

          const { runWorker } = await import('../temporal/worker.js');
          const { connectionSettings } = await import('../temporal/connection.js');
          const worker = runWorker({
            projectRoot: project.root,
            connection: connectionSettings(cmd.optsWithGlobals()),
            taskQueue: flags.taskQueue ?? process.env.MELTANO_TEMPORAL_TASK_QUEUE ?? 'meltano',
            maxConcurrentTasks: Number(flags.maxConcurrentTasks),
            shutdownGraceTime: flags.shutdownGrace,
            ...(flags.metrics ? { metricsBind: flags.metrics } : {}),
            signal: abort.signal,
            onReady: (i) => say(`worker polling task queue '${i.taskQueue}'; Ctrl-C stops everything`),
          });
          if (flags.trigger) {
            const { scheduleId } = await import('../temporal/schedule-mapping.js');
            const { followRun } = await import('./follow.js');
            const id = scheduleId(server.ctx.projectKey, server.ctx.environment, flags.trigger);
            const { triggerAndFindRun } = await import('../temporal/trigger.js');
            const { started } = await triggerAndFindRun(server.client.schedule.getHandle(id));
            if (started) {
              say(
                `triggered ${flags.trigger}: ${started}${uiUrl ? ` (${uiUrl}/namespaces/${server.client.options.namespace}/workflows/${encodeURIComponent(started)})` : ''}`,
              );
              void followRun(server.client, started).then((code) =>
                say(
                  code === 0
                    ? `run of ${flags.trigger} completed; up keeps running (Ctrl-C to stop)`
                    : `run of ${flags.trigger} failed; see above`,
                ),
              );
            } else {
              say(`triggered ${flags.trigger}, but no run started (a run in progress?)`);
            }
          }
          await worker;
        } finally {
          watcher?.close();
          abort.abort();
          await server?.close().catch(() => {});
          if (devServer) {
            await devServer.stop();
            say('embedded Temporal stopped');
          }
          process.off('SIGINT', shutdown);
          process.off('SIGTERM', shutdown);
        }
      }),
    );
}
