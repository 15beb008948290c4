/**
 * A Temporal codec server: the HTTP side of our payload codec, so the Web UI
 * and `temporal --codec-endpoint` can show encrypted inputs and results.
 *
 * The contract: `POST .../decode` and `POST .../encode` (only the last path
 * segment counts, so the server can sit behind any prefix) with a JSON body
 * `{"payloads": [{"metadata": {key: base64}, "data": base64}]}` (protobuf's
 * JSON form of Payloads) and the same shape back; the caller names its
 * namespace in `X-Namespace`. Browsers (the Web UI) send CORS preflights, so
 * only the listed UI origins get CORS headers; a request carrying another
 * Origin is refused outright. With a token configured, every encode/decode
 * must carry `Authorization: Bearer <token>`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';

export const DEFAULT_CODEC_PORT = 8081;
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Interface to listen on (default 127.0.0.1: the codec holds the key, keep it off the network unless needed). */
  host?: string;
  /** Port (default 8081; 0 picks a free one). */
  port?: number;
  /** Origins allowed to call from a browser, e.g. `http://localhost:8233` (scheme, host and port, no path). */
  uiOrigins?: readonly string[];
  /** When set, requests must send `Authorization: Bearer <token>`. */
  token?: string;
  /** When set, requests naming another namespace in X-Namespace are refused. */
  namespaces?: readonly string[];
  /** One line per refused or failed request (never payload contents). */
  log?: (line: string) => void;
}

export interface CodecServer {
  /** Base URL to give the UI or `--codec-endpoint` (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A payload in protobuf's JSON form: bytes are base64 strings. */
export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function payloadFromJson(json: JsonPayload): Payload {
  if (typeof json !== 'object' || json === null) throw new HttpError(400, 'each payload must be an object');
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(json.metadata ?? {})) {
    if (typeof value !== 'string') throw new HttpError(400, `payload metadata '${key}' must be a base64 string`);
    metadata[key] = Buffer.from(value, 'base64');
  }
  if (json.data !== undefined && typeof json.data !== 'string')
    throw new HttpError(400, 'payload data must be a base64 string');
  return { metadata, data: Buffer.from(json.data ?? '', 'base64') };
}

export function payloadToJson(payload: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    if (value) metadata[key] = Buffer.from(value).toString('base64');
  }
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

/** Normalise an origin the way browsers send it: `scheme://host[:port]`, default ports dropped. */
export function normaliseOrigin(origin: string): string {
  const url = new URL(origin);
  return url.origin;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createCodecHandler(options: CodecServerOptions) {
  const origins = new Set((options.uiOrigins ?? []).map(normaliseOrigin));
  const namespaces = options.namespaces ? new Set(options.namespaces) : undefined;
  const log = options.log ?? (() => {});

  const corsHeaders = (origin: string | undefined): Record<string, string> =>
    origin && origins.has(origin)
      ? {
          'Access-Control-Allow-Origin': origin,
          // The UI's "include cross-origin credentials" setting needs both of these.
          'Access-Control-Allow-Credentials': 'true',
          'Access-Control-Allow-Methods': 'POST, OPTIONS',
          'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization',
          // Chrome's Private Network Access: a UI page calling a codec on localhost or a private address.
          'Access-Control-Allow-Private-Network': 'true',
          'Access-Control-Max-Age': '600',
          Vary: 'Origin',
        }
      : { Vary: 'Origin' };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const origin = req.headers.origin;
    const send = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        ...corsHeaders(origin),
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    try {
      // A browser page from an origin we do not serve gets nothing, not even an error it could read.
      if (origin !== undefined && !origins.has(origin)) {
        throw new HttpError(403, `origin ${origin} is not allowed (start the codec server with --ui-origin ${origin})`);
      }
      const url = new URL(req.url ?? '/', 'http://codec.invalid');
      const operation = url.pathname.replace(/\/+$/u, '').split('/').pop();
      if (req.method === 'OPTIONS') {
        res.writeHead(204, corsHeaders(origin));
        res.end();
        return;
      }
      if (req.method === 'GET' && url.pathname === '/health') {
        send(200, { ok: true });
        return;
      }
      if (operation !== 'encode' && operation !== 'decode') throw new HttpError(404, 'use POST /encode or /decode');
      if (req.method !== 'POST') throw new HttpError(405, `${operation} takes POST`);
      if (options.token !== undefined) {
        const auth = req.headers.authorization ?? '';
        const given = /^Bearer\s+(.+)$/iu.exec(auth)?.[1]?.trim();
        if (!given || !sameToken(given, options.token)) throw new HttpError(401, 'missing or wrong bearer token');
      }
      const namespaceHeader = req.headers['x-namespace'];
      const namespace = Array.isArray(namespaceHeader) ? namespaceHeader[0] : namespaceHeader;
      if (namespaces && namespace !== undefined && !namespaces.has(namespace)) {
        throw new HttpError(403, `namespace '${namespace}' is not served by this codec server`);
      }
      let body: { payloads?: unknown };
      try {
        body = JSON.parse(await readBody(req)) as { payloads?: unknown };
      } catch (err) {
        if (err instanceof HttpError) throw err;
        throw new HttpError(400, 'the body must be JSON: {"payloads": [...]}');
      }
      if (!Array.isArray(body?.payloads)) throw new HttpError(400, 'the body must be JSON: {"payloads": [...]}');
      const payloads = (body.payloads as JsonPayload[]).map(payloadFromJson);
      let out: Payload[];
      try {
        out = operation === 'decode' ? await options.codec.decode(payloads) : await options.codec.encode(payloads);
      } catch (err) {
        // Typically a payload encrypted with another key: say so, without echoing any data.
        throw new HttpError(422, `cannot ${operation}: ${(err as Error).message}`);
      }
      send(200, { payloads: out.map(payloadToJson) });
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      log(`${req.method ?? '?'} ${req.url ?? ''}: ${status} ${message}`);
      if (!res.headersSent) send(status, { error: message });
      else res.end();
    }
  };
}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const handler = createCodecHandler(options);
  const server: Server = createServer((req, res) => void handler(req, res));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_CODEC_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The token clients must send, from the environment (not a flag: flags show in `ps`). */
export const CODEC_TOKEN_ENV = 'MELTANO_TEMPORAL_CODEC_TOKEN';

/**
 * The codec server with this tool's codec: the key from
 * MELTANO_TEMPORAL_ENCRYPTION_KEY, the token from MELTANO_TEMPORAL_CODEC_TOKEN.
 */
export async function startCodecServerFromEnv(
  options: Omit<CodecServerOptions, 'codec' | 'token'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CodecServer> {
  const [{ codecFromEnv }, { UserError }] = await Promise.all([import('./codec.js'), import('../errors.js')]);
  const codec = codecFromEnv(env);
  if (!codec) {
    throw new UserError(
      'The codec server needs MELTANO_TEMPORAL_ENCRYPTION_KEY: without it there is nothing to decode.',
      { hint: 'set it to the key your workers use (32 bytes, base64)' },
    );
  }
  for (const origin of options.uiOrigins ?? []) {
    try {
      normaliseOrigin(origin);
    } catch {
      throw new UserError(`--ui-origin '${origin}' is not a URL.`, {
        exitCode: 2,
        hint: 'give the Web UI address as the browser shows it, e.g. http://localhost:8233',
      });
    }
  }
  const token = env[CODEC_TOKEN_ENV];
  try {
    return await startCodecServer({ ...options, codec, ...(token ? { token } : {}) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UserError(
        `Port ${options.port ?? DEFAULT_CODEC_PORT} is already in use on ${options.host ?? '127.0.0.1'}.`,
        { hint: 'stop what listens there or pass another --port', cause: err },
      );
    }
    throw err;
  }
}
