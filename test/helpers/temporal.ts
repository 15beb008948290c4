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
  env: Record<string, string>;
  stop(): Promise<void>;
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
  } = {},
): Promise<DevServer> {
  requireFile(TEMPORAL);
  const port = await freePort();
  const uiPort = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'temporal-dev-'));
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--db-filename',
    path.join(dir, 'db.sqlite'),
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
    env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default' },
    async stop() {
      try {
        process.kill(-(proc.pid ?? 0), 'SIGTERM');
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
