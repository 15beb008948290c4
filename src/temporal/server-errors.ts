/**
 * The server's refusals that users cause and can fix, turned into named
 * errors: a namespace that does not exist, search attributes that were never
 * registered, a server that went away. Anything else is passed on unchanged.
 */
import { NamespaceNotFoundError, SearchAttributesMissingError, ServerUnreachableError, UserError } from '../errors.js';
import { SEARCH_ATTRIBUTE_NAMES } from '../../workflows/contract.js';
import { grpcCode, GrpcStatus } from './grpc-status.js';

const { CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, NOT_FOUND, INTERNAL, UNAVAILABLE } = GrpcStatus;

/** Every message in the error's cause chain, joined: the SDK wraps the server's words. */
function messages(err: unknown): string {
  const out: string[] = [];
  for (let e = err as { message?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as never, i++)
    if (typeof e.message === 'string') out.push(e.message);
  return out.join(' / ');
}

/** How long commands that follow a run keep reconnecting to a server that went away. */
export const DEFAULT_RECONNECT_WINDOW_MS = 120_000;

/** What the transport says when a connection is reset under a call (then the code is CANCELLED, UNKNOWN or INTERNAL). */
const TRANSPORT_WORDS =
  /ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|Connection dropped|Stream removed|GOAWAY|ended by the server/iu;

/**
 * Whether `err` says the server could not be reached (down, restarting, the
 * connection reset), as opposed to an answer from it.
 */
export function isConnectionLoss(err: unknown): boolean {
  const code = grpcCode(err);
  if (code === UNAVAILABLE || code === DEADLINE_EXCEEDED) return true;
  if (code === undefined || code === CANCELLED || code === UNKNOWN || code === INTERNAL)
    return TRANSPORT_WORDS.test(messages(err));
  return false;
}

/** NamespaceNotFoundError when the server says the namespace does not exist, else undefined. */
export function namespaceError(err: unknown, namespace: string, address = ''): NamespaceNotFoundError | undefined {
  const text = messages(err);
  if (
    /Namespace .* (is not found|was not found)|Namespace not found|NamespaceNotFound/iu.test(text) ||
    (err as Error)?.name === 'NamespaceNotFoundError' ||
    (grpcCode(err) === NOT_FOUND && /namespace/iu.test(text))
  )
    return new NamespaceNotFoundError(namespace, address, { cause: err });
  return undefined;
}

/** The server's own words, without the SDK's prefixes and gRPC code. */
export function serverCause(err: unknown): string {
  const e = err as { details?: unknown; cause?: { details?: unknown } };
  const detail =
    typeof e.details === 'string' ? e.details : typeof e.cause?.details === 'string' ? e.cause.details : '';
  return (detail || (err as Error)?.message || String(err)).replace(/^\d+ [A-Z_]+: /u, '');
}

/**
 * The named error for a failed call on `namespace` at `address`, or the error itself.
 */
export function explainServerError(err: unknown, namespace: string, address: string): unknown {
  if (err instanceof UserError) return err;
  const ns = namespaceError(err, namespace, address);
  if (ns) return ns;
  const text = messages(err);
  const missing = SEARCH_ATTRIBUTE_NAMES.filter((n) => text.includes(n));
  if (missing.length && /search attribute|not defined|unknown|invalid/iu.test(text))
    return new SearchAttributesMissingError(namespace, missing, serverCause(err), { cause: err });
  if (grpcCode(err) === UNAVAILABLE)
    return new ServerUnreachableError(address, namespace, serverCause(err), { cause: err });
  return err;
}

/**
 * One line (or two, with the fix) for a call that failed: the named error's
 * text when it is one users can fix, else the SDK's message followed by the
 * server's own words (the SDK says only "Failed to create schedule").
 */
export function failureText(err: unknown, namespace: string, address: string): string {
  const known = explainServerError(err, namespace, address);
  if (known instanceof UserError) return known.describe();
  const message = err instanceof Error ? err.message : String(err);
  const cause = serverCause((err as { cause?: unknown })?.cause ?? err);
  return cause && !message.includes(cause) ? `${message}: ${cause}` : message;
}
