/**
 * The server's refusals that users cause and can fix, turned into named
 * errors: a namespace that does not exist, search attributes that were never
 * registered, a server that went away. Anything else is passed on unchanged.
 */
import {
  NamespaceNotFoundError,
  SearchAttributesMissingError,
  ServerUnreachableError,
  UserError,
} from '../project/errors.js';
import { SEARCH_ATTRIBUTE_NAMES } from './schedule-mapping.js';

const GRPC_NOT_FOUND = 5;
const GRPC_UNAVAILABLE = 14;

/** The gRPC status code of an SDK error, looking through its causes. */
export function grpcCode(err: unknown): number | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as never, i++)
    if (typeof e.code === 'number') return e.code;
  return undefined;
}

/** Every message in the error's cause chain, joined: the SDK wraps the server's words. */
function messages(err: unknown): string {
  const out: string[] = [];
  for (let e = err as { message?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as never, i++)
    if (typeof e.message === 'string') out.push(e.message);
  return out.join(' / ');
}

/** NamespaceNotFoundError when the server says the namespace does not exist, else undefined. */
export function namespaceError(err: unknown, namespace: string, address = ''): NamespaceNotFoundError | undefined {
  const text = messages(err);
  if (
    /Namespace .* (is not found|was not found)|Namespace not found|NamespaceNotFound/iu.test(text) ||
    (err as Error)?.name === 'NamespaceNotFoundError' ||
    (grpcCode(err) === GRPC_NOT_FOUND && /namespace/iu.test(text))
  )
    return new NamespaceNotFoundError(namespace, address);
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
    return new SearchAttributesMissingError(namespace, missing, serverCause(err));
  if (grpcCode(err) === GRPC_UNAVAILABLE) return new ServerUnreachableError(address, namespace, serverCause(err));
  return err;
}
