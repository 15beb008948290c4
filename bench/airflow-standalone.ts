/**
 * `airflow standalone` (scheduler, DAG processor, API server, triggerer; SQLite,
 * LocalExecutor) for the benchmarks: started in its own process group with a
 * fresh AIRFLOW_HOME, its HTTP servers on free ports, its REST API (Airflow 3:
 * /api/v2 with a bearer token from /auth/token), bounded waits, and a stop that
 * leaves no process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { recordTree, recordedGroupAlive, signalRecorded } from './proc-tree.js';

export interface AirflowOptions {
  /** bin/ of the virtualenv holding apache-airflow (scripts/airflow-venv.sh). */
  venvBin: string;
  /** An empty directory: AIRFLOW_HOME (config, SQLite database, logs, generated admin password). */
  home: string;
  dagsFolder: string;
  /** MELTANO_PROJECT_ROOT for the DAG file. */
  projectRoot: string;
  /** Further `AIRFLOW__SECTION__KEY` settings (the "tuned" configuration). */
  settings?: Record<string, string>;
  /** Where the components' output goes. */
  logFile: string;
}

export interface Airflow {
  pid: number;
  baseUrl: string;
  /** Calls the REST API as the admin user; throws on a non-2xx answer. */
  api<T>(method: string, apiPath: string, body?: unknown): Promise<T>;
  /**
   * Waits until the API answers, every component reports healthy, `dags` DAGs
   * are listed and the execution API (which tasks call) answers; ms since launch.
   */
  waitReady(dags: number, timeoutMs: number): Promise<number>;
  /** The last lines the components printed (for error messages). */
  tail(lines?: number): string;
  stop(): Promise<void>;
  /** Last resort from a synchronous exit handler: SIGKILL to everything it started. */
  killNow(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startAirflow(options: AirflowOptions): Promise<Airflow> {
  const [apiPort, workerLogPort, triggerLogPort] = [await freePort(), await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // standalone starts its components as `airflow <component>` from PATH.
    PATH: `${options.venvBin}:${process.env.PATH ?? ''}`,
    AIRFLOW_HOME: options.home,
    AIRFLOW__CORE__DAGS_FOLDER: options.dagsFolder,
    // Airflow's ~80 example DAGs are not part of a Meltano project (Meltano's Airflow plugin turns them off too).
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__API__HOST: '127.0.0.1',
    AIRFLOW__API__PORT: String(apiPort),
    AIRFLOW__API__BASE_URL: baseUrl,
    // The scheduler's and triggerer's log servers (they listen on every interface of the network namespace).
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: String(workerLogPort),
    AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT: String(triggerLogPort),
    MELTANO_PROJECT_ROOT: options.projectRoot,
    NO_COLOR: '1',
    ...options.settings,
  };
  const out = openSync(options.logFile, 'w');
  const launchedAt = performance.now();
  const child: ChildProcess = spawn(path.join(options.venvBin, 'airflow'), ['standalone'], {
    env,
    detached: true, // its own process group: the whole tree can be signalled at once
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${options.venvBin}/airflow standalone`);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  // Every process seen in its tree, with its start time: stop() reaches those that left the group too.
  const seen = new Map<number, string>();
  recordTree(pid, seen);
  const tail = (lines = 40): string => {
    try {
      return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };

  let token: string | undefined;
  const request = async (
    method: string,
    apiPath: string,
    body?: unknown,
    auth = true,
    timeoutMs = 60_000,
  ): Promise<Response> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth) headers.authorization = `Bearer ${await getToken()}`;
    return fetch(`${baseUrl}${apiPath}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  };
  // Standalone generates the admin password into AIRFLOW_HOME; Airflow 3's API wants a JWT from /auth/token.
  const getToken = async (): Promise<string> => {
    if (token) return token;
    const passwords = path.join(options.home, 'simple_auth_manager_passwords.json.generated');
    if (!existsSync(passwords)) throw new Error(`${passwords} not written yet`);
    const { admin } = JSON.parse(readFileSync(passwords, 'utf8')) as { admin: string };
    const res = await request('POST', '/auth/token', { username: 'admin', password: admin }, false);
    if (!res.ok) throw new Error(`POST /auth/token: HTTP ${res.status} ${await res.text()}`);
    token = ((await res.json()) as { access_token: string }).access_token;
    return token;
  };
  const api = async <T>(method: string, apiPath: string, body?: unknown): Promise<T> => {
    const res = await request(method, apiPath, body);
    if (!res.ok) throw new Error(`${method} ${apiPath}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const killAll = (signal: NodeJS.Signals): void => {
    // The group outlives its leader while a member is left; it reaches processes started since the last record.
    if (recordedGroupAlive(seen, pid)) {
      try {
        process.kill(-pid, signal);
      } catch {
        /* group gone */
      }
    }
    signalRecorded(seen, signal);
  };

  return {
    pid,
    baseUrl,
    api,
    tail,
    async waitReady(dags, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      for (;;) {
        if (exited) throw new Error(`airflow standalone exited before it was ready:\n${tail()}`);
        if (Date.now() > deadline)
          throw new Error(`airflow standalone not ready after ${timeoutMs / 1000} s (${last}):\n${tail()}`);
        try {
          const health = (await (await request('GET', '/api/v2/monitor/health', undefined, false)).json()) as Record<
            string,
            { status?: string }
          >;
          const unhealthy = ['metadatabase', 'scheduler', 'triggerer', 'dag_processor'].filter(
            (c) => health[c]?.status !== 'healthy',
          );
          if (unhealthy.length) last = `not healthy: ${unhealthy.join(', ')}`;
          else {
            const listed = (await api<{ total_entries: number }>('GET', '/api/v2/dags?limit=1')).total_entries;
            if (listed < dags) last = `${listed}/${dags} DAGs listed`;
            else {
              // The API server builds the execution API on its first request: 15-50 s of CPU on this
              // 2-core host, longer than a task's client waits (5 s x 5 tries), so the first task would
              // fail and wait out retry_delay (5 min). Tasks can run once it answers.
              const wait = Math.max(1_000, deadline - Date.now());
              const res = await request('GET', '/execution/health', undefined, false, wait);
              if (res.ok) return performance.now() - launchedAt;
              last = `execution API: HTTP ${res.status}`;
            }
          }
        } catch (e) {
          last = (e as Error).message;
        }
        recordTree(pid, seen);
        await sleep(250);
      }
    },
    async stop() {
      recordTree(pid, seen);
      // SIGINT is standalone's own shutdown (it then terminates each component); the components take it too.
      killAll('SIGINT');
      await Promise.race([exit, sleep(15_000)]);
      await sleep(1_000);
      killAll('SIGKILL');
      await Promise.race([exit, sleep(5_000)]);
    },
    killNow() {
      killAll('SIGKILL');
    },
  };
}
