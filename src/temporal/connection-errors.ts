/**
 * Why a connection to Temporal failed, in words, with the fix: a pure function
 * of the error, the connection settings and (optionally) the outcome of a TLS
 * probe (tls-probe.ts). The gRPC client in Node only says "Failed to connect
 * before the deadline"; the worker's native client names the TLS error
 * (rustls). Both are mapped to the same explanations.
 */
import type { ConnectionSettings } from './connection.js';
import { sourceLabel, type TlsProbe } from './tls-probe.js';

export interface ConnectionFailure {
  /** What went wrong; for a TLS problem it ends with the fix, so every caller that prints it shows the fix. */
  message: string;
  /** The fix, for problems that are not TLS (shown on its own line by the CLI). */
  fix?: string;
}

const GENERIC_FIX = 'start one (meltano-temporal up, or temporal server start-dev) or point TEMPORAL_ADDRESS at yours';
const CLIENT_PAIR = 'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (--tls-cert-path, --tls-key-path)';

/** The probe outcome the native client's error text implies, when no probe ran. */
function fromErrorText(text: string): TlsProbe | undefined {
  const t = text.toLowerCase();
  const alert = (a: string): TlsProbe => ({ kind: 'alert', alert: a, detail: text });
  if (/certificaterequired|certificate required/u.test(t)) return alert('certificate required');
  if (/unknownca|unknown ca/u.test(t)) return alert('unknown ca');
  if (/badcertificate|bad certificate/u.test(t)) return alert('bad certificate');
  if (/certificateexpired|certificate expired/u.test(t)) return alert('certificate expired');
  if (/notvalidforname|altnames/u.test(t))
    return { kind: 'server-certificate', code: 'ERR_TLS_CERT_ALTNAME_INVALID', detail: text };
  if (/unknownissuer|unable to verify|self[- ]signed|unable to get issuer/u.test(t))
    return { kind: 'server-certificate', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', detail: text };
  if (/invalidcertificate\(expired|certificate has expired/u.test(t))
    return { kind: 'server-certificate', code: 'CERT_HAS_EXPIRED', detail: text };
  if (/invalidcontenttype|wrong version number/u.test(t)) return { kind: 'not-tls', detail: text };
  if (/connection refused|econnrefused/u.test(t)) return { kind: 'tcp', code: 'ECONNREFUSED', detail: text };
  return undefined;
}

function tlsProblem(problem: string, fix: string): ConnectionFailure {
  return { message: `TLS: ${problem} Fix: ${fix}` };
}

export function explainConnectionError(err: unknown, s: ConnectionSettings, probe?: TlsProbe): ConnectionFailure {
  const raw = err instanceof Error ? err.message : String(err);
  const fact = probe && probe.kind !== 'error' && probe.kind !== 'ok' ? probe : (fromErrorText(raw) ?? probe);
  const t = s.tls && !s.tls.disabled ? s.tls : undefined;
  const clientCert = sourceLabel(t?.clientCert);
  const serverCa = sourceLabel(t?.serverCACert);
  const hasClientCert = Boolean(clientCert);
  const caNote = serverCa ? `the CA file in use is ${serverCa}` : 'none is set, so only the system CAs are trusted';
  if (!fact || fact.kind === 'error') return { message: raw, fix: GENERIC_FIX };

  switch (fact.kind) {
    case 'tcp':
      return { message: `nothing accepts connections at ${s.address} (${fact.code}): ${raw}`, fix: GENERIC_FIX };
    case 'not-tls':
      return t
        ? tlsProblem(
            `this client connects with TLS but the server at ${s.address} does not speak TLS (${fact.detail}).`,
            `point TEMPORAL_ADDRESS at the server's TLS port, or unset TEMPORAL_TLS and the TEMPORAL_TLS_* settings for a plaintext server.`,
          )
        : { message: raw, fix: GENERIC_FIX };
    case 'ok':
      return t
        ? { message: raw, fix: GENERIC_FIX }
        : tlsProblem(
            `the server at ${s.address} requires TLS but this client connects without it.`,
            `set ${CLIENT_PAIR} to a client certificate and its key from the CA the server trusts, and TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA of the server's certificate (or TEMPORAL_TLS=true when the server needs no client certificate; TEMPORAL_API_KEY for Temporal Cloud API keys).`,
          );
    case 'alert': {
      const alert = fact.alert.toLowerCase();
      if (!t)
        return tlsProblem(
          `the server at ${s.address} requires TLS${alert.includes('certificate required') ? ' with a client certificate (mutual TLS)' : ''} but this client connects without TLS.`,
          `set ${CLIENT_PAIR} to a client certificate and its key issued by the CA the server trusts, and TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA of the server's certificate.`,
        );
      if (!hasClientCert)
        return tlsProblem(
          `the server requires a client certificate (mutual TLS) and this client has none configured (TLS alert: ${fact.alert}).`,
          `set ${CLIENT_PAIR} to a certificate and key issued by a CA the server trusts (its clientCaFiles).`,
        );
      if (alert.includes('expired'))
        return tlsProblem(
          `the server refused the client certificate ${clientCert}: it has expired (TLS alert: ${fact.alert}).`,
          `renew the client certificate and point TEMPORAL_TLS_CLIENT_CERT_PATH/TEMPORAL_TLS_CLIENT_KEY_PATH at it.`,
        );
      return tlsProblem(
        `the server refused the client certificate ${clientCert}: it is not issued by a CA the server trusts (TLS alert: ${fact.alert}).`,
        `use a client certificate issued by the CA in the server's clientCaFiles (global.tls.frontend.server), or add the CA of this certificate there.`,
      );
    }
    case 'server-certificate':
      if (fact.code === 'ERR_TLS_CERT_ALTNAME_INVALID')
        return tlsProblem(
          `the server's certificate is not valid for the name this client checks (${t?.serverName ? `TEMPORAL_TLS_SERVER_NAME=${t.serverName}` : `the host of ${s.address}`}): ${fact.detail}.`,
          `set TEMPORAL_TLS_SERVER_NAME (--tls-server-name) to a name the certificate lists, or connect by that name.`,
        );
      if (fact.code === 'CERT_HAS_EXPIRED')
        return tlsProblem(
          `the server's certificate has expired (${fact.detail}).`,
          `renew the server certificate (global.tls.frontend.server.certFile).`,
        );
      return tlsProblem(
        `this client does not trust the server's certificate (${fact.detail}).`,
        `set TEMPORAL_TLS_SERVER_CA_CERT_PATH (--tls-ca-path) to the CA that signed the server's certificate; ${caNote}.`,
      );
  }
}
