/**
 * Email over SMTP with nodemailer: the server and its credentials are the
 * worker's (MELTANO_TEMPORAL_SMTP_*), STARTTLS required on the submission
 * port (or TLS from the start with MELTANO_TEMPORAL_SMTP_SECURITY=tls), so a
 * password never crosses the network in clear. A private CA is trusted
 * through Node's NODE_EXTRA_CA_CERTS. Failures are WebhookErrors classified
 * for the notify activity's retry policy: a 4xx reply or a network problem
 * is retried, a 5xx reply, a refused login or a TLS problem is not.
 */
import os from 'node:os';
import nodemailer from 'nodemailer';
import { plainText, type WebhookMessage } from './message.js';
import { WebhookError } from './send.js';
import { WebhookConfigError } from './settings.js';

export const SMTP_ENV = {
  host: 'MELTANO_TEMPORAL_SMTP_HOST',
  port: 'MELTANO_TEMPORAL_SMTP_PORT',
  user: 'MELTANO_TEMPORAL_SMTP_USER',
  password: 'MELTANO_TEMPORAL_SMTP_PASSWORD',
  from: 'MELTANO_TEMPORAL_SMTP_FROM',
  security: 'MELTANO_TEMPORAL_SMTP_SECURITY',
} as const;

export interface SmtpSettings {
  host: string;
  port: number;
  /** `starttls`: plain connect, then STARTTLS, refused without it; `tls`: TLS from the start (port 465). */
  security: 'starttls' | 'tls';
  auth?: { user: string; pass: string };
  from: string;
}

/** The worker's SMTP server from its environment; names the variable to set, never a value. */
export function smtpSettings(env: NodeJS.ProcessEnv): SmtpSettings {
  const host = env[SMTP_ENV.host]?.trim();
  if (!host) {
    throw new WebhookConfigError(
      `email notifications need an SMTP server, and ${SMTP_ENV.host} is not set on this worker`,
      {
        hint: `export ${SMTP_ENV.host}=smtp.example.com (and ${SMTP_ENV.user}, ${SMTP_ENV.password}, ${SMTP_ENV.from}) on the workers`,
      },
    );
  }
  const security = (env[SMTP_ENV.security]?.trim() || 'starttls').toLowerCase();
  if (security !== 'starttls' && security !== 'tls') {
    throw new WebhookConfigError(`${SMTP_ENV.security} must be starttls or tls`, {
      hint: `unset it for STARTTLS on port 587, or set it to tls for port 465`,
    });
  }
  const rawPort = env[SMTP_ENV.port]?.trim();
  const port = rawPort ? Number(rawPort) : security === 'tls' ? 465 : 587;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new WebhookConfigError(`${SMTP_ENV.port} must be a port number`, { hint: `e.g. ${SMTP_ENV.port}=587` });
  }
  const user = env[SMTP_ENV.user];
  const pass = env[SMTP_ENV.password];
  if (user && !pass) {
    throw new WebhookConfigError(`${SMTP_ENV.user} is set but ${SMTP_ENV.password} is not`, {
      hint: `export ${SMTP_ENV.password} on the workers`,
    });
  }
  return {
    host,
    port,
    security,
    ...(user && pass ? { auth: { user, pass } } : {}),
    from: env[SMTP_ENV.from]?.trim() || `meltano-temporal@${os.hostname()}`,
  };
}

/** The mail: subject from the headline, the facts and the log tail as plain text. */
export function mailOf(message: WebhookMessage): { subject: string; text: string } {
  const [headline = '', ...rest] = plainText(message.text).split('\n');
  return { subject: `[meltano-temporal] ${headline}`.slice(0, 250), text: `${headline}\n\n${rest.join('\n')}\n` };
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  message?: string;
}

function classify(err: unknown): WebhookError {
  const e = err as SmtpFailure;
  const code = e.code ?? '';
  if (code === 'EAUTH') return new WebhookError('SMTP login refused (not retried: check the user and password)', false);
  if (e.responseCode && e.responseCode >= 500) {
    return new WebhookError(`SMTP server refused the mail (${e.responseCode}, not retried)`, false, e.responseCode);
  }
  if (e.responseCode && e.responseCode >= 400) {
    return new WebhookError(`SMTP server deferred the mail (${e.responseCode})`, true, e.responseCode);
  }
  if (code === 'ETLS' || /certificate|self.signed|wrong version/iu.test(e.message ?? '')) {
    return new WebhookError(
      'SMTP TLS failed (not retried: the server must offer STARTTLS with a certificate this worker trusts)',
      false,
    );
  }
  return new WebhookError(`SMTP server unreachable (${code || 'network error'})`, true);
}

export async function sendEmail(smtp: SmtpSettings, to: string[], message: WebhookMessage): Promise<void> {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ...(smtp.auth ? { auth: smtp.auth } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({ from: smtp.from, to, ...mailOf(message) });
  } catch (err) {
    throw classify(err);
  } finally {
    transport.close();
  }
}
