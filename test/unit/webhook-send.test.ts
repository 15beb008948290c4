/** The webhook sender against a real HTTP receiver on 127.0.0.1: delivery, retry classification, no URL in errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook, retryAfterMs, WebhookError } from '../../src/notify/send.js';
import { freePort } from '../../src/temporal/dev-server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

async function failure(url: string, body: unknown = { text: 'x' }): Promise<WebhookError> {
  try {
    await postWebhook(url, body, { timeoutMs: 3000 });
  } catch (err) {
    if (err instanceof WebhookError) return err;
    throw err;
  }
  throw new Error('expected a WebhookError');
}

describe('postWebhook', () => {
  it('POSTs the message as JSON and resolves with the status on 200', async () => {
    const before = receiver.requests.length;
    expect(await postWebhook(receiver.url, { text: 'hello', schedule: 'a' })).toBe(200);
    const req = receiver.requests[before];
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/services/T000/B000/secret-token-0123456789');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.json).toEqual({ text: 'hello', schedule: 'a' });
  });

  it('5xx and 429 are retryable (429 with Retry-After); other 4xx are not; the URL never appears', async () => {
    receiver.script([
      { status: 500, body: `upstream broke at ${receiver.url}` },
      { status: 503 },
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 404, body: 'no_service' },
      { status: 400, body: 'invalid_payload' },
    ]);
    const e500 = await failure(receiver.url);
    expect([e500.retryable, e500.status]).toEqual([true, 500]);
    expect(e500.message).toBe('webhook answered HTTP 500: upstream broke at ***');
    const e503 = await failure(receiver.url);
    expect([e503.retryable, e503.status]).toEqual([true, 503]);
    const e429 = await failure(receiver.url);
    expect([e429.retryable, e429.status, e429.retryAfterMs]).toEqual([true, 429, 7000]);
    const e404 = await failure(receiver.url);
    expect([e404.retryable, e404.status]).toEqual([false, 404]);
    expect(e404.message).toBe(
      'webhook answered HTTP 404: no_service (not retried: the same request would be refused again)',
    );
    const e400 = await failure(receiver.url);
    expect(e400.retryable).toBe(false);
    for (const e of [e500, e503, e429, e404, e400]) {
      expect(e.message).not.toContain('secret-token');
      expect(e.stack ?? '').not.toContain('secret-token');
    }
  });

  it('connection refused is retryable and names neither host, port nor path', async () => {
    const port = await freePort();
    const e = await failure(`http://127.0.0.1:${port}/services/T/B/secret-token-9`);
    expect(e.retryable).toBe(true);
    expect(e.message).toBe('webhook unreachable: connection refused (ECONNREFUSED)');
    expect(e.message).not.toContain(String(port));
  });

  it('a receiver that never answers times out, retryably', async () => {
    const net = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    // Accept and say nothing.
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    try {
      const started = Date.now();
      const e = await failure(`http://127.0.0.1:${port}/hook`);
      expect(e.retryable).toBe(true);
      expect(e.message).toBe('webhook unreachable: no answer in time');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('a redirect is not followed and not retried', async () => {
    receiver.script([{ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } }]);
    const e = await failure(receiver.url);
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('redirect');
  });

  it('Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
