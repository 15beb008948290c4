/**
 * Connection settings: Temporal's TOML profile file, then TEMPORAL_*
 * variables, then flags, each on top of the one before (what the `temporal`
 * CLI reads, plus this tool's flags). Hermetic: every case passes its own
 * environment, with HOME in an empty directory.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectOptions, connectionSettings } from '../../src/temporal/connection.js';
import { UsageError, UserError } from '../../src/errors.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mt-conn-'));
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const CERT = file('client.pem', 'CERT');
const KEY = file('client.key', 'KEY');
const CA = file('ca.pem', 'CA');
const PROFILES = file(
  'temporal.toml',
  `[profile.default]
address = "file-host:7233"
namespace = "file-ns"
api_key = "file-key"

[profile.default.grpc_meta]
team = "data"

[profile.staging]
address = "staging-host:7233"
namespace = "staging-ns"

[profile.staging.tls]
client_cert_path = "${CERT}"
client_key_path = "${KEY}"
server_name = "staging.internal"
`,
);
const home = mkdtempSync(path.join(os.tmpdir(), 'mt-home-'));
const base = { HOME: home };

describe('connection settings', () => {
  it('defaults without a profile file, variables or flags', async () => {
    const s = await connectionSettings({}, base);
    expect(s).toEqual({ address: 'localhost:7233', namespace: 'default', addressGiven: false });
    expect(await connectOptions(s)).toEqual({ address: 'localhost:7233' });
  });

  it('the default profile of the file: address, namespace, API key (TLS on), gRPC metadata', async () => {
    const s = await connectionSettings({}, { ...base, TEMPORAL_CONFIG_FILE: PROFILES });
    expect(s).toMatchObject({
      address: 'file-host:7233',
      namespace: 'file-ns',
      apiKey: 'file-key',
      addressGiven: true,
    });
    expect(s.metadata).toEqual({ team: 'data' });
    expect(await connectOptions(s)).toEqual({
      address: 'file-host:7233',
      apiKey: 'file-key',
      tls: true,
      metadata: { team: 'data' },
    });
  });

  it('TEMPORAL_PROFILE picks a profile, --profile beats it; its mTLS files are read', async () => {
    const env = { ...base, TEMPORAL_CONFIG_FILE: PROFILES, TEMPORAL_PROFILE: 'nope' };
    await expect(connectionSettings({}, env)).rejects.toThrow(UserError);
    const s = await connectionSettings({ profile: 'staging' }, env);
    expect(s).toMatchObject({ address: 'staging-host:7233', namespace: 'staging-ns' });
    const o = await connectOptions(s);
    expect(o.tls).toMatchObject({ serverNameOverride: 'staging.internal' });
    const pair = (o.tls as { clientCertPair: { crt: Uint8Array; key: Uint8Array } }).clientCertPair;
    expect(Buffer.from(pair.crt).toString()).toBe('CERT');
    expect(Buffer.from(pair.key).toString()).toBe('KEY');
  });

  it('variables override the profile, flags override the variables', async () => {
    const env = {
      ...base,
      TEMPORAL_CONFIG_FILE: PROFILES,
      TEMPORAL_ADDRESS: 'env-host:7233',
      TEMPORAL_NAMESPACE: 'env-ns',
      TEMPORAL_API_KEY: 'env-key',
      TEMPORAL_GRPC_META_TEAM: 'ops',
    };
    expect(await connectionSettings({}, env)).toMatchObject({
      address: 'env-host:7233',
      namespace: 'env-ns',
      apiKey: 'env-key',
      metadata: { team: 'ops' },
    });
    expect(
      await connectionSettings({ address: 'flag-host:7233', namespace: 'flag-ns', apiKey: 'flag-key' }, env),
    ).toMatchObject({ address: 'flag-host:7233', namespace: 'flag-ns', apiKey: 'flag-key' });
  });

  it('TEMPORAL_TLS_* paths and *_DATA variables; TEMPORAL_TLS=yes still turns TLS on; TEMPORAL_TLS=false with an API key turns it off', async () => {
    const paths = await connectionSettings(
      {},
      {
        ...base,
        TEMPORAL_TLS_CLIENT_CERT_PATH: CERT,
        TEMPORAL_TLS_CLIENT_KEY_PATH: KEY,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: CA,
        TEMPORAL_TLS_SERVER_NAME: 'srv',
      },
    );
    const tls = (await connectOptions(paths)).tls as {
      serverRootCACertificate: Uint8Array;
      serverNameOverride: string;
    };
    expect(Buffer.from(tls.serverRootCACertificate).toString()).toBe('CA');
    expect(tls.serverNameOverride).toBe('srv');
    const data = await connectionSettings({}, { ...base, TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'CA-DATA' });
    const dataTls = (await connectOptions(data)).tls as { serverRootCACertificate: Uint8Array };
    expect(Buffer.from(dataTls.serverRootCACertificate).toString()).toBe('CA-DATA');
    expect((await connectOptions(await connectionSettings({}, { ...base, TEMPORAL_TLS: 'yes' }))).tls).toBeTruthy();
    expect((await connectOptions(await connectionSettings({ tls: true }, base))).tls).toBeTruthy();
    const off = await connectionSettings({}, { ...base, TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' });
    expect((await connectOptions(off)).tls).toBe(false);
  });

  it('flags for mTLS win over the variables; a certificate without its key is a usage error (exit 2)', async () => {
    const other = file('other.pem', 'OTHER');
    const s = await connectionSettings(
      { tlsCertPath: other, tlsKeyPath: KEY },
      { ...base, TEMPORAL_TLS_CLIENT_CERT_PATH: CERT, TEMPORAL_TLS_CLIENT_KEY_PATH: KEY },
    );
    const pair = ((await connectOptions(s)).tls as { clientCertPair: { crt: Uint8Array } }).clientCertPair;
    expect(Buffer.from(pair.crt).toString()).toBe('OTHER');
    const err = await connectionSettings({ tlsCertPath: CERT }, base).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
  });

  it('an empty TEMPORAL_* variable counts as unset, as in the temporal CLI', async () => {
    const env = {
      ...base,
      TEMPORAL_CONFIG_FILE: PROFILES,
      TEMPORAL_PROFILE: '',
      TEMPORAL_ADDRESS: '',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: CA,
    };
    const s = await connectionSettings({}, env);
    expect(s).toMatchObject({ address: 'file-host:7233', namespace: 'file-ns' });
    expect(s.tls).toEqual({ serverCACert: { path: CA } });
    const tls = (await connectOptions(s)).tls as { serverRootCACertificate: Uint8Array; clientCertPair?: unknown };
    expect(Buffer.from(tls.serverRootCACertificate).toString()).toBe('CA');
    expect(tls.clientCertPair).toBeUndefined();
  });

  it('an unreadable TLS file is a clear error', async () => {
    const s = await connectionSettings({ tlsCaPath: path.join(dir, 'missing.pem') }, base);
    await expect(connectOptions(s)).rejects.toThrow(
      /Cannot read a TLS file of the connection settings: .*missing\.pem/u,
    );
  });
});
