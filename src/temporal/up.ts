/**
 * Everything on one host (`up`): the embedded Temporal dev server (unless a
 * server is configured), search attributes, a sync with prune, a worker,
 * a re-sync whenever meltano.yml or an included file changes, and
 * optionally one triggered run followed live. What happens is reported as
 * events; the caller decides how to show them. Stops when `signal` aborts:
 * the worker first (running tasks get the grace period), then the server.
 */
import path from 'node:path';
import { ScheduleNotInProjectError } from '../errors.js';
import { findSchedule, type Project } from '../project/model.js';
import { watchProject, type ProjectWatcher } from '../project/watch.js';
import { connectClient, type ConnectionSettings } from './connection.js';
import { followRun, type FollowEvent, type FollowOutcome } from './follow.js';
import { ScheduleService, type ScheduleOverview } from './schedules.js';
import { resolveScope, type ScopeOptions } from './scope.js';
import type { SyncReport } from './sync/report.js';
import { runWorker, type WorkerOptions } from './worker.js';
import { workflowsFolder } from '../project/custom-workflows.js';
import { watchWorkflowFolder, type WorkflowWatcher } from '../project/workflow-watch.js';

/** One worker of `up`; a changed custom workflow replaces it. */
interface RunningWorker {
  stop(): void;
  done: Promise<void>;
}

export type UpEvent =
  | { type: 'server-starting'; dataDir: string }
  | { type: 'server-started'; address: string }
  | { type: 'codec-server-started'; url: string; uiOrigins: string[] }
  | { type: 'server-external'; address: string }
  | { type: 'sync-progress'; done: number; total: number }
  | { type: 'synced'; report: SyncReport }
  | { type: 'schedules'; schedules: ScheduleOverview[]; uiUrl?: string; namespace: string }
  | { type: 'config-changed'; files: string[] }
  | { type: 'config-error'; error: unknown }
  | { type: 'workflows-changed'; files: string[] }
  | { type: 'worker-ready'; taskQueue: string }
  | { type: 'triggered'; schedule: string; workflowId?: string; url?: string }
  | { type: 'run'; schedule: string; event: FollowEvent }
  | { type: 'run-finished'; schedule: string; outcome: FollowOutcome }
  | { type: 'stopping' }
  | { type: 'server-stopped' };

export interface UpOptions {
  project: Project;
  connection: ConnectionSettings;
  scope: ScopeOptions;
  /** The embedded server's ports (used when no server is configured). */
  port: number;
  uiPort: number;
  /** Port of the codec server started for the embedded UI when payload encryption is on. */
  codecPort: number;
  worker: Pick<
    WorkerOptions,
    | 'maxConcurrentTasks'
    | 'shutdownGraceTime'
    | 'metricsBind'
    | 'logRetention'
    | 'logLevel'
    | 'logFormat'
    | 'workflowsDir'
  >;
  /** How many schedules each sync (at start and on every change) reads and writes at once. */
  syncConcurrency?: number;
  /** Trigger one run of this schedule once everything is up, and follow it. */
  trigger?: string;
  signal: AbortSignal;
}

async function syncAll(
  schedules: ScheduleService,
  onEvent: (e: UpEvent) => void,
  concurrency: number | undefined,
): Promise<void> {
  const plan = await schedules.planSync({ prune: true, ...(concurrency ? { concurrency } : {}) });
  const report = await schedules.applySync(plan, {
    ...(concurrency ? { concurrency } : {}),
    onItem: (_item, done, total) => onEvent({ type: 'sync-progress', done, total }),
  });
  onEvent({ type: 'synced', report });
}

/**
 * Run until `signal` aborts.
 * @throws {ScheduleNotInProjectError} `trigger` names no schedule of the project
 * @throws {ServerUnreachableError} the configured server cannot be reached
 * @throws {UserError} the embedded server cannot start (port in use, no `temporal` CLI)
 */
export async function runUp(options: UpOptions, onEvent: (e: UpEvent) => void): Promise<void> {
  const { project } = options;
  if (options.trigger && !findSchedule(project, options.trigger)) throw new ScheduleNotInProjectError(options.trigger);
  let connection = options.connection;
  let devServer: Awaited<ReturnType<(typeof import('./dev-server.js'))['startDevServer']>> | undefined;
  let codecServer: import('./codec-server.js').CodecServer | undefined;
  if (!connection.addressGiven) {
    const { projectDevServerFile, startDevServer } = await import('./dev-server.js');
    // With payload encryption on, the embedded UI decodes through our codec server (same key).
    if (process.env.MELTANO_TEMPORAL_ENCRYPTION_KEY) {
      const { startCodecServerFromEnv } = await import('./codec-server.js');
      const uiOrigins = [`http://127.0.0.1:${options.uiPort}`, `http://localhost:${options.uiPort}`];
      codecServer = await startCodecServerFromEnv({ port: options.codecPort, uiOrigins });
      onEvent({ type: 'codec-server-started', url: codecServer.url, uiOrigins });
    }
    const dbFile = projectDevServerFile(project.root);
    onEvent({ type: 'server-starting', dataDir: path.dirname(dbFile) });
    try {
      devServer = await startDevServer({
        dbFile,
        port: options.port,
        uiPort: options.uiPort,
        ...(codecServer ? { uiCodecEndpoint: codecServer.url } : {}),
      });
    } catch (err) {
      await codecServer?.close();
      throw err;
    }
    connection = { ...connection, address: devServer.address, addressGiven: true };
    onEvent({ type: 'server-started', address: devServer.address });
  } else {
    onEvent({ type: 'server-external', address: connection.address });
  }
  let watcher: ProjectWatcher | undefined;
  let workflowWatcher: WorkflowWatcher | undefined;
  let closeClient: (() => Promise<void>) | undefined;
  const workerStop = new AbortController();
  // Following the triggered run goes on while the worker drains, and ends before the client closes.
  const followStop = new AbortController();
  let following: Promise<unknown> | undefined;
  const stop = (): void => {
    onEvent({ type: 'stopping' });
    workerStop.abort();
  };
  if (options.signal.aborted) stop();
  else options.signal.addEventListener('abort', stop, { once: true });
  try {
    const { client, connection: clientConnection } = await connectClient(connection);
    closeClient = () => clientConnection.close();
    const scope = resolveScope(project, options.scope);
    let schedules = new ScheduleService({ client, project, scope });
    await schedules.registerSearchAttributes();
    await syncAll(schedules, onEvent, options.syncConcurrency);
    onEvent({
      type: 'schedules',
      schedules: await schedules.overview(),
      namespace: client.options.namespace,
      ...(devServer ? { uiUrl: devServer.uiUrl } : {}),
    });
    // Re-sync when any file the project loads changes; a broken edit is reported, the last good state keeps running.
    watcher = watchProject(project, {
      onChange: async (next, files) => {
        onEvent({ type: 'config-changed', files });
        try {
          schedules = new ScheduleService({ client, project: next, scope: resolveScope(next, options.scope) });
          await syncAll(schedules, onEvent, options.syncConcurrency);
        } catch (err) {
          onEvent({ type: 'config-error', error: err });
        }
      },
      onError: (error) => onEvent({ type: 'config-error', error }),
    });
    const launch = (whenReady?: () => void): RunningWorker => {
      const stopOne = new AbortController();
      const done = runWorker({
        projectRoot: project.root,
        connection,
        taskQueue: scope.taskQueue,
        ...options.worker,
        // Notifications link to runs in the embedded UI (MELTANO_TEMPORAL_UI_URL wins).
        ...(devServer ? { uiUrl: devServer.uiUrl } : {}),
        signal: AbortSignal.any([workerStop.signal, stopOne.signal]),
        onReady: (i) => {
          onEvent({ type: 'worker-ready', taskQueue: i.taskQueue });
          whenReady?.();
        },
      });
      return { stop: () => stopOne.abort(), done };
    };
    let worker = launch();
    // A changed custom workflow file: a new worker with a new bundle polls first, then the old one drains.
    workflowWatcher = watchWorkflowFolder(
      workflowsFolder(project, options.worker.workflowsDir).dir,
      (files) => {
        onEvent({ type: 'workflows-changed', files });
        const old = worker;
        worker = launch(() => old.stop());
      },
      { root: project.root },
    );
    if (options.trigger) {
      const name = options.trigger;
      const { started } = await schedules.trigger(name);
      const url =
        started && devServer?.uiUrl
          ? `${devServer.uiUrl}/namespaces/${client.options.namespace}/workflows/${encodeURIComponent(started)}`
          : undefined;
      onEvent({
        type: 'triggered',
        schedule: name,
        ...(started ? { workflowId: started } : {}),
        ...(url ? { url } : {}),
      });
      if (started) {
        following = followRun(client, started, (event) => onEvent({ type: 'run', schedule: name, event }), {
          signal: followStop.signal,
        }).then((outcome) => {
          if (!followStop.signal.aborted) onEvent({ type: 'run-finished', schedule: name, outcome });
        });
      }
    }
    // Until the worker of the moment stops (not one that a restart replaced).
    for (;;) {
      const current = worker;
      await current.done.catch((err: unknown) => {
        if (current === worker) throw err;
      });
      if (current === worker) break;
    }
  } finally {
    workflowWatcher?.close();
    watcher?.close();
    workerStop.abort();
    options.signal.removeEventListener('abort', stop);
    followStop.abort();
    await following?.catch(() => {});
    await closeClient?.().catch(() => {});
    if (devServer) {
      await devServer.stop();
      onEvent({ type: 'server-stopped' });
    }
    await codecServer?.close();
  }
}
