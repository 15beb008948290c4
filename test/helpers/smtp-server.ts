/**
 * A real SMTP server for email tests: aiosmtpd (PyPI, pinned in
 * requirements.txt) run as a process by smtp_server.py, with STARTTLS and
 * AUTH required, on a self-signed certificate made here with `openssl` (the
 * client trusts it through NODE_EXTRA_CA_CERTS). Mails arrive as parsed
 * JSON lines.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireFile, VENV_BIN } from './run.js';
import { waitFor, waitForOutput } from './wait.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The session had switched to TLS (STARTTLS) before the mail. */
  tls: boolean;
  /** The user that logged in. */
  user: string;
  /** The whole message, headers and body. */
  data: string;
}

export interface SmtpServer {
  port: number;
  /** PEM of the server's self-signed certificate: the client's NODE_EXTRA_CA_CERTS. */
  caFile: string;
  mails(): ReceivedMail[];
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtp_server.py');

export async function startSmtpServer(user: string, password: string): Promise<SmtpServer> {
  const python = path.join(VENV_BIN, 'python');
  requireFile(python);
  requireFile('/usr/bin/openssl', 'install openssl');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mt-smtp-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await execa('openssl', [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
  ]);
  let output = '';
  const proc: ResultPromise = execa(python, [SCRIPT, cert, key, user, password], {
    reject: false,
    buffer: false,
    all: true,
    stdin: 'ignore',
  });
  proc.all?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  await waitForOutput({ output: () => output, exitCode: () => proc.exitCode ?? null }, 'listening on', {
    what: 'the SMTP server to listen',
    timeoutMs: 60_000,
  });
  const port = Number(/listening on (\d+)/u.exec(output)?.[1]);
  const mails = (): ReceivedMail[] =>
    output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as ReceivedMail);
  return {
    port,
    caFile: cert,
    mails,
    waitFor: (count, timeoutMs = 60_000) =>
      waitFor(`${count} mail(s) at the SMTP server`, () => mails().length >= count && mails(), {
        timeoutMs,
        intervalMs: 100,
        detail: () => `received ${mails().length}; server output: ${output.slice(-500)}`,
      }),
    async stop() {
      proc.kill('SIGTERM');
      await proc;
    },
  };
}
