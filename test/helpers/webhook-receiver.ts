/**
 * A real HTTP receiver on 127.0.0.1 standing in for a Slack incoming webhook:
 * records every request and answers with a scripted sequence of statuses
 * (then 200 `ok`, as Slack does).
 */
import http from 'node:http';
import { waitFor } from './wait.js';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown> | undefined;
  status: number;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** Requests answered 2xx: the messages that arrived. */
  delivered(): ReceivedRequest[];
  /** Statuses for the next requests, in order; afterwards 200. */
  script(statuses: Array<number | { status: number; headers?: Record<string, string>; body?: string }>): void;
  waitFor(count: number, timeoutMs?: number, delivered?: boolean): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** `port` 0 picks a free one; a given port lets a test bring a receiver up where a webhook already points. */
export async function startWebhookReceiver(
  path = '/services/T000/B000/secret-token-0123456789',
  listenPort = 0,
): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let queue: Array<{ status: number; headers?: Record<string, string>; body?: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      const answer = queue.shift() ?? { status: 200, body: 'ok' };
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
        status: answer.status,
        at: Date.now(),
      });
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...(answer.headers ?? {}) });
      res.end(answer.body ?? (answer.status < 300 ? 'ok' : 'error'));
    });
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const delivered = (): ReceivedRequest[] => requests.filter((r) => r.status < 300);
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    requests,
    delivered,
    script(statuses) {
      queue = statuses.map((s) => (typeof s === 'number' ? { status: s } : s));
    },
    async waitFor(count, timeoutMs = 60_000, onlyDelivered = true) {
      const list = (): ReceivedRequest[] => (onlyDelivered ? delivered() : requests);
      return waitFor(`${count} message(s) at the webhook receiver`, () => list().length >= count && list(), {
        timeoutMs,
        intervalMs: 100,
        detail: () => `received ${list().length}`,
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
