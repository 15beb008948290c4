/**
 * POST a message to a webhook, and say whether a failure is worth retrying:
 * connection problems, timeouts, 5xx and 429 are (429 with the receiver's
 * Retry-After); other 4xx are not, since the same request will be refused
 * again. The URL is a credential: no error message or log line contains it.
 */

export class WebhookError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** From a 429's Retry-After header. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

export interface SendOptions {
  /** Per request, connection included (default 10 s). */
  timeoutMs?: number;
  /** How the receiver is named in messages (default `webhook`). */
  what?: string;
  /** Texts never to echo from an answer besides the URL (a routing key in the body). */
  secrets?: string[];
}

/** Node's fetch reports network failures as `TypeError: fetch failed` with a coded cause. */
function networkProblem(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string; name?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  const code = e.cause?.code ?? e.cause?.name;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    UND_ERR_SOCKET: 'connection closed',
  };
  // Only the error code: the messages of network errors name the host and port.
  return code ? `${known[code] ?? 'network error'} (${code})` : 'network error';
}

export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** POST `body` as JSON; resolves with the HTTP status on 2xx, else throws a WebhookError. */
export async function postWebhook(url: string, body: unknown, options: SendOptions = {}): Promise<number> {
  const what = options.what ?? 'webhook';
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'meltano-temporal' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      redirect: 'error',
    });
  } catch (err) {
    if (err instanceof TypeError && /invalid url|failed to parse url/iu.test(`${err.message} ${String(err.cause)}`)) {
      throw new WebhookError(`the ${what} is not a valid URL`, false);
    }
    if (/redirect/iu.test(String((err as { cause?: unknown }).cause))) {
      throw new WebhookError(
        `the ${what} answered with a redirect (not followed: the message would go elsewhere)`,
        false,
      );
    }
    return Promise.reject(new WebhookError(`${what} unreachable: ${networkProblem(err)}`, true));
  }
  if (response.ok) {
    await response.body?.cancel();
    return response.status;
  }
  // A short excerpt of the answer helps (Slack says `invalid_token`, `no_service`); the URL never appears.
  let answer = await response.text().catch(() => '');
  for (const secret of [url, ...(options.secrets ?? [])].filter(Boolean)) answer = answer.split(secret).join('***');
  const excerpt = answer.replace(/\s+/gu, ' ').trim().slice(0, 200);
  const said = `${what} answered HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`;
  if (response.status === 429) {
    throw new WebhookError(said, true, 429, retryAfterMs(response.headers.get('retry-after')));
  }
  if (response.status >= 500) throw new WebhookError(said, true, response.status);
  throw new WebhookError(`${said} (not retried: the same request would be refused again)`, false, response.status);
}
