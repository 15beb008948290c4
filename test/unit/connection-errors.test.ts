/**
 * The words for a failed connection. The inputs are what the real clients and
 * the real TLS probe produced against the self-hosted cluster (the errors of the
 * worker's native client are quoted verbatim); test/cluster/ checks the same
 * messages end to end.
 */
import { describe, expect, it } from 'vitest';
import { explainConnectionError } from '../../src/temporal/connection-errors.js';
import type { ConnectionSettings } from '../../src/temporal/connection.js';

const address = '127.0.0.1:17233';
const mtls: ConnectionSettings = {
  address,
  namespace: 'default',
  addressGiven: true,
  tls: {
    clientCert: { path: '/certs/client.pem' },
    clientKey: { path: '/certs/client.key' },
    serverCACert: { path: '/certs/ca.pem' },
    serverName: 'temporal',
  },
};
const grpcTimeout = new Error('Failed to connect before the deadline');

describe('explainConnectionError', () => {
  it('no TLS configured, the server requires mTLS (probe: certificate required)', () => {
    const r = explainConnectionError(
      grpcTimeout,
      { address, namespace: 'default', addressGiven: true },
      {
        kind: 'alert',
        alert: 'certificate required',
        detail: 'tlsv13 alert certificate required',
      },
    );
    expect(r.message).toMatch(
      /^TLS: the server at 127\.0\.0\.1:17233 requires TLS with a client certificate \(mutual TLS\) but this client connects without TLS\. Fix: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/u,
    );
    expect(r.fix).toBeUndefined();
  });

  it('TLS without a client certificate', () => {
    const r = explainConnectionError(
      grpcTimeout,
      { ...mtls, tls: { serverCACert: { path: '/certs/ca.pem' } } },
      {
        kind: 'alert',
        alert: 'certificate required',
        detail: '',
      },
    );
    expect(r.message).toMatch(
      /the server requires a client certificate \(mutual TLS\) and this client has none configured/u,
    );
  });

  it('a client certificate from another CA, from the native client error alone (no probe)', () => {
    const native = new Error(
      'Failed to call GetSystemInfo: code: \'Unknown error\', message: "transport error", source: tonic::transport::Error(Transport, hyper::Error(Io, Custom { kind: InvalidData, error: "received fatal alert: UnknownCA" }))',
    );
    const r = explainConnectionError(native, mtls);
    expect(r.message).toMatch(
      /the server refused the client certificate \/certs\/client\.pem: it is not issued by a CA the server trusts \(TLS alert: unknown ca\)\. Fix: use a client certificate issued by the CA in the server's clientCaFiles/u,
    );
  });

  it('a server certificate this client does not trust, and one that does not name the server', () => {
    const untrusted = explainConnectionError(
      new Error(
        'tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(UnknownIssuer) }))',
      ),
      { ...mtls, tls: { clientCert: { path: '/c.pem' }, clientKey: { path: '/c.key' } } },
    );
    expect(untrusted.message).toMatch(
      /this client does not trust the server's certificate .*Fix: set TEMPORAL_TLS_SERVER_CA_CERT_PATH \(--tls-ca-path\) to the CA that signed the server's certificate; none is set, so only the system CAs are trusted\./u,
    );
    const name = explainConnectionError(
      grpcTimeout,
      { ...mtls, tls: { ...mtls.tls, serverName: 'elsewhere' } },
      {
        kind: 'server-certificate',
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
        detail:
          "Hostname/IP does not match certificate's altnames: Host: elsewhere. is not in the cert's altnames: DNS:temporal",
      },
    );
    expect(name.message).toMatch(
      /not valid for the name this client checks \(TEMPORAL_TLS_SERVER_NAME=elsewhere\).*Fix: set TEMPORAL_TLS_SERVER_NAME/u,
    );
  });

  it('TLS against a plaintext port; nothing listening; TLS fine (the problem is elsewhere)', () => {
    const plain = explainConnectionError(
      grpcTimeout,
      { address, namespace: 'default', addressGiven: true, tls: {} },
      {
        kind: 'not-tls',
        detail: '127.0.0.1:17253 does not answer in TLS: wrong version number',
      },
    );
    expect(plain.message).toMatch(
      /this client connects with TLS but the server at 127\.0\.0\.1:17233 does not speak TLS/u,
    );
    const refused = explainConnectionError(grpcTimeout, mtls, { kind: 'tcp', code: 'ECONNREFUSED', detail: '' });
    expect(refused.message).toBe(
      'nothing accepts connections at 127.0.0.1:17233 (ECONNREFUSED): Failed to connect before the deadline',
    );
    expect(refused.fix).toMatch(/start one/u);
    const ok = explainConnectionError(new Error('Namespace x is not found'), mtls, { kind: 'ok', detail: '' });
    expect(ok).toEqual({ message: 'Namespace x is not found', fix: expect.stringMatching(/start one/u) as string });
  });
});
