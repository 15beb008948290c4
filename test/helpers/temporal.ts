/**
 * Real Temporal dev servers for tests, started by the product's own starter
 * (src/temporal/dev-server.ts: our search attributes, our server tuning, a
 * process group of its own), headless, on free ports, SQLite in a temp dir.
 *
 * Most files share the run's one dev server (test/setup/temporal-server.ts
 * starts it) in a namespace of their own, as sdk-typescript's integration
 * tests share theirs: `sharedServer()`. A file that restarts, crashes or
 * configures its server, or needs a server without our search attributes at
 * all, starts its own: `startDevServer()`.
 */
import { Client, Connection, type ClientOptions } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { freePort, startDevServer as startProductDevServer } from '../../src/temporal/dev-server.js';
import { REGISTERED_SEARCH_ATTRIBUTES } from '../../workflows/contract.js';
import { TEMPORAL, requireFile } from './run.js';

export { freePort };

/** The search attributes `sync` and `up` register (all Keyword). */
export const SEARCH_ATTRIBUTES: readonly string[] = REGISTERED_SEARCH_ATTRIBUTES;

/** What the tests use of a server: where it is, the namespace and the env our CLI reads them from. */
export interface TestServer {
  address: string;
  namespace: string;
  /** TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, for our CLI and worker. */
  env: Record<string, string>;
  /** A client on this namespace, closed after the file. */
  client(options?: Omit<ClientOptions, 'connection' | 'namespace'>): Promise<Client>;
}

export interface DevServer extends TestServer {
  port: number;
  /** Its SQLite file: a server started again with this file and port carries on where this one stopped. */
  dbFile: string;
  /** The `temporal` process. */
  pid: number;
  /** SIGTERM to its process group (then SIGKILL after 10 s), or SIGKILL at once as a crash would. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** Connections opened through `client()`: closed once the file is done. */
const connections = new Set<Connection>();
afterAll(async () => {
  await Promise.all([...connections].map((c) => c.close().catch(() => undefined)));
  connections.clear();
});

function clientFactory(address: () => string, namespace: () => string): TestServer['client'] {
  return async (options = {}) => {
    const connection = await Connection.connect({ address: address() });
    connections.add(connection);
    return new Client({ ...options, connection, namespace: namespace() });
  };
}

/** A dev server of the test's own: for a test that restarts, crashes or configures its server. */
export async function startDevServer(
  options: {
    /** Off: a server where our search attributes were never registered. */
    searchAttributes?: boolean;
    /** Server dynamic config (`--dynamic-config-value KEY=JSON`), e.g. a low `frontend.namespaceRPS`. */
    dynamicConfig?: Record<string, unknown>;
    /** To restart a stopped server: its port and SQLite file. */
    port?: number;
    dbFile?: string;
  } = {},
): Promise<DevServer> {
  requireFile(TEMPORAL);
  const server = await startProductDevServer({
    port: options.port ?? (await freePort()),
    dbFile: options.dbFile ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'temporal-dev-')), 'db.sqlite'),
    logLevel: 'error',
    ...(options.searchAttributes === false ? { searchAttributes: false } : {}),
    ...(options.dynamicConfig ? { dynamicConfig: options.dynamicConfig } : {}),
  });
  return {
    address: server.address,
    namespace: 'default',
    env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' },
    client: clientFactory(
      () => server.address,
      () => 'default',
    ),
    port: server.port,
    dbFile: server.dbFile,
    pid: server.pid,
    stop: (signal) => server.stop(signal),
  };
}

/** Provided by test/setup/temporal-server.ts (vitest `provide`). */
declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

/**
 * The run's shared dev server, in a new namespace of this test file's own (created before
 * its tests, with our search attributes registered unless `searchAttributes: false`: then
 * it is as a namespace where `sync` never ran). Its fields are set once `beforeAll` ran.
 */
export function sharedServer(options: { searchAttributes?: boolean } = {}): TestServer {
  let namespace = '';
  let address = '';
  beforeAll(async () => {
    address = inject('temporalAddress');
    if (!address)
      throw new Error('no shared Temporal dev server: run this file in the integration project (vitest.config.ts)');
    const file = path.basename(expect.getState().testPath ?? 'test').replace(/\.test\.ts$/u, '');
    namespace = `${file}-${randomBytes(3).toString('hex')}`;
    const connection = await Connection.connect({ address });
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
      if (options.searchAttributes !== false)
        await connection.operatorService.addSearchAttributes({
          namespace,
          searchAttributes: Object.fromEntries(
            SEARCH_ATTRIBUTES.map((name) => [
              name,
              proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
            ]),
          ),
        });
    } finally {
      await connection.close();
    }
  });
  return {
    get address() {
      return address;
    },
    get namespace() {
      return namespace;
    },
    get env() {
      return { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace };
    },
    client: clientFactory(
      () => address,
      () => namespace,
    ),
  };
}
