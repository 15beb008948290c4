/**
 * Where the Temporal server is and how to reach it: flags first, then the
 * standard TEMPORAL_* variables (the same ones the `temporal` CLI reads).
 * Used by every command that talks to a server.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../project/errors.js';

export interface ConnectionSettings {
  address: string;
  namespace: string;
  apiKey?: string;
  tls?: {
    clientCertPath?: string;
    clientKeyPath?: string;
    serverCaCertPath?: string;
    serverName?: string;
  };
}

export interface ConnectionFlags {
  address?: string;
  namespace?: string;
  apiKey?: string;
  tls?: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  tlsCaPath?: string;
  tlsServerName?: string;
}

export const DEFAULT_ADDRESS = 'localhost:7233';

/** Adds --address, --namespace, --api-key and the --tls-* flags to a command. */
export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--address <host:port>', `Temporal frontend (env TEMPORAL_ADDRESS, default ${DEFAULT_ADDRESS})`)
    .option('--namespace <name>', 'Temporal namespace (env TEMPORAL_NAMESPACE, default "default")')
    .option('--api-key <key>', 'API key, e.g. for Temporal Cloud (env TEMPORAL_API_KEY)')
    .option('--tls', 'use TLS without a client certificate (env TEMPORAL_TLS=true)')
    .option('--tls-cert-path <file>', 'mTLS client certificate (env TEMPORAL_TLS_CLIENT_CERT_PATH)')
    .option('--tls-key-path <file>', 'mTLS client key (env TEMPORAL_TLS_CLIENT_KEY_PATH)')
    .option('--tls-ca-path <file>', 'CA of the server certificate (env TEMPORAL_TLS_SERVER_CA_CERT_PATH)')
    .option('--tls-server-name <name>', 'server name to verify (env TEMPORAL_TLS_SERVER_NAME)');
}

export function connectionSettings(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const clientCertPath = flags.tlsCertPath ?? env.TEMPORAL_TLS_CLIENT_CERT_PATH;
  const clientKeyPath = flags.tlsKeyPath ?? env.TEMPORAL_TLS_CLIENT_KEY_PATH;
  const serverCaCertPath = flags.tlsCaPath ?? env.TEMPORAL_TLS_SERVER_CA_CERT_PATH;
  const serverName = flags.tlsServerName ?? env.TEMPORAL_TLS_SERVER_NAME;
  const apiKey = flags.apiKey ?? env.TEMPORAL_API_KEY;
  if (Boolean(clientCertPath) !== Boolean(clientKeyPath)) {
    throw new UserError(
      'mTLS needs both a client certificate and its key.',
      2,
      'pass both --tls-cert-path and --tls-key-path (or TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH)',
    );
  }
  const tlsOn =
    flags.tls ||
    /^(1|true|yes)$/iu.test(env.TEMPORAL_TLS ?? '') ||
    clientCertPath ||
    serverCaCertPath ||
    serverName ||
    apiKey;
  return {
    address: flags.address ?? env.TEMPORAL_ADDRESS ?? DEFAULT_ADDRESS,
    namespace: flags.namespace ?? env.TEMPORAL_NAMESPACE ?? 'default',
    ...(apiKey ? { apiKey } : {}),
    ...(tlsOn
      ? {
          tls: {
            ...(clientCertPath ? { clientCertPath } : {}),
            ...(clientKeyPath ? { clientKeyPath } : {}),
            ...(serverCaCertPath ? { serverCaCertPath } : {}),
            ...(serverName ? { serverName } : {}),
          },
        }
      : {}),
  };
}

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UserError(
      `Cannot read the ${what} ${file}: ${(err as Error).message}`,
      1,
      `check the path given for the ${what}`,
    );
  }
}

/** TLS options in the shape both Connection and NativeConnection take. */
export function tlsConfig(s: ConnectionSettings) {
  if (!s.tls) return undefined;
  const { clientCertPath, clientKeyPath, serverCaCertPath, serverName } = s.tls;
  return {
    ...(serverName ? { serverNameOverride: serverName } : {}),
    ...(serverCaCertPath ? { serverRootCACertificate: read(serverCaCertPath, 'server CA certificate') } : {}),
    ...(clientCertPath && clientKeyPath
      ? { clientCertPair: { crt: read(clientCertPath, 'client certificate'), key: read(clientKeyPath, 'client key') } }
      : {}),
  };
}

/** The payload codec settings, or undefined without MELTANO_TEMPORAL_ENCRYPTION_KEY (loaded lazily: it pulls in protobuf). */
export async function dataConverter() {
  if (!process.env.MELTANO_TEMPORAL_ENCRYPTION_KEY) return undefined;
  const codec = (await import('./codec.js')).codecFromEnv();
  return codec ? { payloadCodecs: [codec] } : undefined;
}

/** Why the connection failed, in words (a TLS handshake probe tells TLS problems apart). */
async function unreachable(s: ConnectionSettings, err: unknown): Promise<UserError> {
  const [{ explainConnectionError }, { probeTls }] = await Promise.all([
    import('./connection-errors.js'),
    import('./tls-probe.js'),
  ]);
  const why = explainConnectionError(err, s, await probeTls(s));
  return new UserError(
    `Cannot reach the Temporal server at ${s.address} (namespace ${s.namespace}): ${why.message}`,
    1,
    why.fix,
  );
}

/** A client for schedules and workflows. */
export async function connectClient(s: ConnectionSettings) {
  const { Client, Connection } = await import('@temporalio/client');
  let connection;
  try {
    const tls = tlsConfig(s);
    connection = await Connection.connect({
      address: s.address,
      ...(tls ? { tls } : {}),
      ...(s.apiKey ? { apiKey: s.apiKey } : {}),
      connectTimeout: '10s',
    });
  } catch (err) {
    throw await unreachable(s, err);
  }
  const dc = await dataConverter();
  const client = new Client({ connection, namespace: s.namespace, ...(dc ? { dataConverter: dc } : {}) });
  return { client, connection };
}

/** The native connection a worker polls with. */
export async function connectWorker(s: ConnectionSettings) {
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    const tls = tlsConfig(s);
    return await NativeConnection.connect({
      address: s.address,
      ...(tls ? { tls } : {}),
      ...(s.apiKey ? { apiKey: s.apiKey } : {}),
    });
  } catch (err) {
    throw await unreachable(s, err);
  }
}
