/**
 * A real Temporal dev server (the `temporal` CLI from .venv) for tests, on
 * free ports with its own SQLite file; stopped with its process group.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TEMPORAL, requireFile } from './run.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Temporal dev server did not listen on ${port} within ${timeoutMs} ms`);
}

export interface DevServer {
  address: string;
  port: number;
  uiPort: number;
  /** Its SQLite file: a server started again with this file and port carries on where this one stopped. */
  dbFilename: string;
  env: Record<string, string>;
  /** Stop its process group: SIGTERM (then SIGKILL after 10 s), or SIGKILL at once as a crash would. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export const SEARCH_ATTRIBUTES = [
  'MeltanoProject',
  'MeltanoSchedule',
  'MeltanoJob',
  'MeltanoEnvironment',
  'MeltanoSyncHash',
];

export async function startDevServer(
  options: {
    searchAttributes?: boolean;
    ui?: boolean;
    /** Server dynamic config (`--dynamic-config-value KEY=JSON`), e.g. a low `frontend.namespaceRPS`. */
    dynamicConfig?: Record<string, unknown>;
    /** To restart a stopped server: its port and SQLite file. */
    port?: number;
    dbFilename?: string;
  } = {},
): Promise<DevServer> {
  requireFile(TEMPORAL);
  const port = options.port ?? (await freePort());
  const uiPort = await freePort();
  const dbFilename = options.dbFilename ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'temporal-dev-')), 'db.sqlite');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--db-filename',
    dbFilename,
    '--log-level',
    'error',
  ];
  if (options.ui) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {}))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  if (options.searchAttributes !== false)
    for (const sa of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${sa}=Keyword`);
  const proc: ResultPromise = execa(TEMPORAL, args, {
    detached: true,
    reject: false,
    stdin: 'ignore',
    buffer: false,
    stdout: 'ignore',
    stderr: 'inherit',
  });
  await waitForPort(port, 60_000);
  const address = `127.0.0.1:${port}`;
  return {
    address,
    port,
    uiPort,
    dbFilename,
    env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default' },
    async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') {
      try {
        process.kill(-(proc.pid ?? 0), signal);
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-(proc.pid ?? 0), 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 10_000);
      await proc;
      clearTimeout(timer);
    },
  };
}
