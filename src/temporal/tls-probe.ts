/**
 * One TLS handshake with the connection settings, to learn why a connection
 * failed: the gRPC client only reports "Failed to connect before the
 * deadline", whatever the cause. The outcome is a plain fact (who refused
 * what) that connection-errors.ts turns into words.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { ConnectionSettings } from './connection.js';

type DataSource = { path: string } | { data: string | Uint8Array };

/** The bytes of a certificate or key given as a file path or inline data (`*_DATA`, profile `*_data`). */
function sourceBytes(src: DataSource | undefined): Buffer | undefined {
  if (!src) return undefined;
  return 'path' in src ? readFileSync(src.path) : Buffer.from(src.data);
}

/** How a certificate was given, for messages: its path, or that it was inline data. */
export function sourceLabel(src: DataSource | undefined): string | undefined {
  if (!src) return undefined;
  return 'path' in src ? src.path : '(inline data)';
}

export type TlsProbe =
  /** Nothing accepted the TCP connection (refused, unknown host, timeout). */
  | { kind: 'tcp'; code: string; detail: string }
  /** The TCP connection works but the other side does not speak TLS. */
  | { kind: 'not-tls'; detail: string }
  /** This client refused the server's certificate (code: Node's, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE). */
  | { kind: 'server-certificate'; code: string; detail: string }
  /** The server ended the handshake with a TLS alert, e.g. "certificate required", "unknown ca". */
  | { kind: 'alert'; alert: string; detail: string }
  /** The handshake completed and the server kept the connection: TLS is not the problem. */
  | { kind: 'ok'; detail: string }
  /** The probe itself could not run (e.g. a certificate file is unreadable). */
  | { kind: 'error'; detail: string };

const TCP_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);
const NOT_TLS_ERRORS = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
]);

/** host and port of `host:port` or `[v6]:port`. */
export function splitAddress(address: string): { host: string; port: number } {
  const m = /^\[(.+)\]:(\d+)$/u.exec(address) ?? /^([^:]+):(\d+)$/u.exec(address);
  return m ? { host: m[1] ?? address, port: Number(m[2]) } : { host: address, port: 7233 };
}

/**
 * Handshake as the client would. Without TLS settings it still tries TLS (without
 * verifying anything) to find out whether the server requires it. TLS 1.3 servers
 * reject a client certificate after the handshake completes, so a completed
 * handshake is watched for a moment before it counts as accepted.
 */
export async function probeTls(s: ConnectionSettings, timeoutMs = 5000): Promise<TlsProbe> {
  const { host, port } = splitAddress(s.address);
  let options: tls.ConnectionOptions;
  try {
    const t = s.tls && !s.tls.disabled ? s.tls : undefined;
    options = {
      host,
      port,
      ALPNProtocols: ['h2'],
      // Node refuses an IP address as the SNI name; it then checks the address itself.
      ...(t?.serverName ? { servername: t.serverName } : net.isIP(host) ? {} : { servername: host }),
      ...(t?.serverCACert ? { ca: sourceBytes(t.serverCACert) } : {}),
      ...(t?.clientCert && t.clientKey ? { cert: sourceBytes(t.clientCert), key: sourceBytes(t.clientKey) } : {}),
      rejectUnauthorized: Boolean(t),
    };
  } catch (err) {
    return { kind: 'error', detail: (err as Error).message };
  }
  return new Promise((resolve) => {
    let settled = false;
    const socket = tls.connect(options);
    const finish = (result: TlsProbe): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ kind: 'tcp', code: 'ETIMEDOUT', detail: `no answer from ${s.address} within ${timeoutMs} ms` }),
      timeoutMs,
    );
    let handshaken = false;
    socket.on('secureConnect', () => {
      handshaken = true;
      setTimeout(() => finish({ kind: 'ok', detail: `TLS handshake with ${s.address} accepted` }), 1000);
    });
    socket.on('error', (err: NodeJS.ErrnoException & { reason?: string }) => {
      const code = err.code ?? '';
      const reason = (err.reason ?? code).replace(/^tlsv1\d? alert /u, '');
      if (TCP_ERRORS.has(code)) finish({ kind: 'tcp', code, detail: err.message });
      else if (/^ERR_SSL_.*ALERT/u.test(code)) finish({ kind: 'alert', alert: reason, detail: err.message });
      else if (NOT_TLS_ERRORS.has(code) || ((code === 'ECONNRESET' || code === 'EPIPE') && !handshaken))
        finish({ kind: 'not-tls', detail: `${s.address} does not answer in TLS: ${err.reason ?? err.message}` });
      else if (/^ERR_SSL_/u.test(code) || handshaken) finish({ kind: 'alert', alert: reason, detail: err.message });
      else finish({ kind: 'server-certificate', code, detail: err.message });
    });
    socket.on('close', () =>
      finish(
        handshaken
          ? {
              kind: 'alert',
              alert: 'connection closed after the handshake',
              detail: `${s.address} closed the connection`,
            }
          : { kind: 'not-tls', detail: `${s.address} closed the connection during the TLS handshake` },
      ),
    );
  });
}
