/**
 * Where the Temporal server is and how to reach it, read the way the
 * `temporal` CLI reads it (`@temporalio/envconfig`): the profile in
 * Temporal's TOML config file (TEMPORAL_CONFIG_FILE, else
 * ~/.config/temporalio/temporal.toml; profile TEMPORAL_PROFILE or
 * --profile, else "default"), then the TEMPORAL_* variables (including the
 * *_DATA variants and TEMPORAL_GRPC_META_*), then our flags on top.
 * Payload encryption (MELTANO_TEMPORAL_ENCRYPTION_KEY) is ours: see codec.ts.
 */
import type { Command } from 'commander';
import type { ClientConfigProfile, ClientConfigTLS } from '@temporalio/envconfig';
import { ServerUnreachableError, UsageError, UserError } from '../errors.js';
import { clientSdk, envconfigSdk, workerSdk } from './sdk.js';
import { GrpcStatus } from './grpc-status.js';

export interface ConnectionFlags {
  profile?: string;
  address?: string;
  namespace?: string;
  apiKey?: string;
  tls?: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  tlsCaPath?: string;
  tlsServerName?: string;
}

/** The merged settings: plain data (paths, not file contents), so they can be shown and tested. */
export interface ConnectionSettings {
  address: string;
  namespace: string;
  /** Whether the address came from a flag, the environment or a profile (not the default). */
  addressGiven: boolean;
  apiKey?: string;
  /** undefined: plain connection (TLS only when an API key is set). */
  tls?: ClientConfigTLS;
  /** gRPC headers (profile `grpc_meta`, TEMPORAL_GRPC_META_*). */
  metadata?: Record<string, string>;
}

export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';

/** Adds --profile, --address, --namespace, --api-key and the --tls-* flags to a command. */
export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'profile of the Temporal config file (env TEMPORAL_PROFILE, default "default")')
    .option('--address <host:port>', `Temporal frontend (env TEMPORAL_ADDRESS, default ${DEFAULT_ADDRESS})`)
    .option('-n, --namespace <name>', 'Temporal namespace (env TEMPORAL_NAMESPACE, default "default")')
    .option('--api-key <key>', 'API key, e.g. for Temporal Cloud (env TEMPORAL_API_KEY)')
    .option('--tls', 'use TLS without a client certificate (env TEMPORAL_TLS=true)')
    .option('--tls-cert-path <file>', 'mTLS client certificate (env TEMPORAL_TLS_CLIENT_CERT_PATH)')
    .option('--tls-key-path <file>', 'mTLS client key (env TEMPORAL_TLS_CLIENT_KEY_PATH)')
    .option('--tls-ca-path <file>', 'CA of the server certificate (env TEMPORAL_TLS_SERVER_CA_CERT_PATH)')
    .option('--tls-server-name <name>', 'server name to verify (env TEMPORAL_TLS_SERVER_NAME)');
}

/**
 * The variables as the `temporal` CLI reads them: an empty TEMPORAL_* counts as unset (envconfig would read
 * `TEMPORAL_TLS_CLIENT_CERT_PATH=` as a file named ''); envconfig reads TEMPORAL_TLS as '1'/'true' only, this
 * tool always also took 'yes' and any case.
 */
function normalisedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !(v === '' && k.startsWith('TEMPORAL_'))) out[k] = v;
  if (out.TEMPORAL_TLS !== undefined) out.TEMPORAL_TLS = /^(1|true|yes)$/iu.test(out.TEMPORAL_TLS) ? 'true' : 'false';
  return out;
}

async function loadProfile(profile: string | undefined, env: Record<string, string>): Promise<ClientConfigProfile> {
  const { loadClientConfigProfile } = envconfigSdk();
  try {
    return loadClientConfigProfile({ ...(profile ? { profile } : {}), overrideEnvVars: env });
  } catch (err) {
    const file = env.TEMPORAL_CONFIG_FILE ?? '~/.config/temporalio/temporal.toml';
    throw new UserError(
      `Cannot read the Temporal connection profile${profile ? ` '${profile}'` : ''} (${file}): ${(err as Error).message}`,
      {
        hint: 'correct the profile file, set TEMPORAL_CONFIG_FILE, or pass --profile with a profile it defines',
        cause: err,
      },
    );
  }
}

/**
 * The connection settings: profile file, then environment, then flags.
 * @throws {UsageError} a client certificate without its key, or the reverse
 * @throws {UserError} the profile file cannot be read or names no such profile
 */
export async function connectionSettings(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConnectionSettings> {
  const profile = await loadProfile(flags.profile, normalisedEnv(env));
  const fromFlags: ClientConfigTLS = {
    ...(flags.tlsCertPath ? { clientCert: { path: flags.tlsCertPath } } : {}),
    ...(flags.tlsKeyPath ? { clientKey: { path: flags.tlsKeyPath } } : {}),
    ...(flags.tlsCaPath ? { serverCACert: { path: flags.tlsCaPath } } : {}),
    ...(flags.tlsServerName ? { serverName: flags.tlsServerName } : {}),
  };
  let tls: ClientConfigTLS | undefined =
    profile.tls || flags.tls || Object.keys(fromFlags).length ? { ...profile.tls, ...fromFlags } : undefined;
  if (flags.tls && tls) tls = { ...tls, disabled: false };
  if (tls && Boolean(tls.clientCert) !== Boolean(tls.clientKey)) {
    throw new UsageError('mTLS needs both a client certificate and its key.', {
      hint: 'pass both --tls-cert-path and --tls-key-path (or TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH)',
    });
  }
  const address = flags.address || profile.address || undefined;
  const apiKey = flags.apiKey ?? profile.apiKey;
  const metadata = profile.grpcMeta && Object.keys(profile.grpcMeta).length ? profile.grpcMeta : undefined;
  return {
    address: address ?? DEFAULT_ADDRESS,
    namespace: flags.namespace ?? profile.namespace ?? DEFAULT_NAMESPACE,
    addressGiven: Boolean(address),
    ...(apiKey ? { apiKey } : {}),
    ...(tls ? { tls } : {}),
    ...(metadata ? { metadata } : {}),
  };
}

/** The options both Connection (client) and NativeConnection (worker) take (TLS files are read here). */
export async function connectOptions(s: ConnectionSettings) {
  const { toClientOptions } = envconfigSdk();
  let options;
  try {
    // An API key implies TLS, as in the `temporal` CLI, unless TLS is turned off explicitly.
    options = toClientOptions({
      address: s.address,
      ...(s.apiKey ? { apiKey: s.apiKey } : {}),
      ...(s.tls ? { tls: s.tls } : {}),
      ...(s.metadata ? { grpcMeta: s.metadata } : {}),
    }).connectionOptions;
  } catch (err) {
    throw new UserError(`Cannot read a TLS file of the connection settings: ${(err as Error).message}`, {
      hint: 'check the certificate, key and CA paths (flags, TEMPORAL_TLS_* or the profile)',
      cause: err,
    });
  }
  return {
    address: s.address,
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
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
  if (err instanceof UserError) return err;
  const [{ explainConnectionError }, { probeTls }] = await Promise.all([
    import('./connection-errors.js'),
    import('./tls-probe.js'),
  ]);
  const why = explainConnectionError(err, s, await probeTls(s));
  return new ServerUnreachableError(s.address, s.namespace, why.message, { hint: why.fix, cause: err });
}

/**
 * A client for schedules and workflows, and how many requests the server's rate limiter refused so far.
 * @throws {ServerUnreachableError} the server does not answer within 10 s
 */
export async function connectClient(s: ConnectionSettings) {
  const { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } = clientSdk();
  // The client's own retries (RESOURCE_EXHAUSTED and UNAVAILABLE with backoff), counting
  // the rate limiter's refusals so a sync can say that the server held it back.
  const retry = defaultGrpcRetryOptions();
  const rateLimits = { count: 0 };
  const interceptors = [
    makeGrpcRetryInterceptor({
      delayFunction: retry.delayFunction,
      retryableDecider: (attempt, status) => {
        if (status.code === GrpcStatus.RESOURCE_EXHAUSTED) rateLimits.count++;
        return retry.retryableDecider(attempt, status);
      },
    }),
  ];
  let connection;
  try {
    connection = await Connection.connect({ ...(await connectOptions(s)), connectTimeout: '10s', interceptors });
  } catch (err) {
    throw await unreachable(s, err);
  }
  const dc = await dataConverter();
  const client = new Client({ connection, namespace: s.namespace, ...(dc ? { dataConverter: dc } : {}) });
  return { client, connection, rateLimits: rateLimits as { readonly count: number } };
}

/**
 * The native connection a worker polls with.
 * @throws {ServerUnreachableError} the server cannot be reached
 */
export async function connectWorker(s: ConnectionSettings) {
  const { NativeConnection } = workerSdk();
  try {
    return await NativeConnection.connect(await connectOptions(s));
  } catch (err) {
    throw await unreachable(s, err);
  }
}
