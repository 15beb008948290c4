/**
 * Numbers, addresses, log levels and task queue names typed by users (flags
 * and environment variables) are parsed here; durations in duration.ts. Each
 * parser names where the value came from (`--port`, `--metrics`) in its error.
 */
import { InvalidValueError } from '../errors.js';

/**
 * A whole number of at least `min` (and at most `max`).
 * @throws {InvalidValueError} anything else
 */
export function parseWholeNumber(value: string, source: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const trimmed = value.trim();
  const n = /^\d+$/u.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new InvalidValueError(
      source,
      value,
      `a whole number${max === Number.MAX_SAFE_INTEGER ? ` of at least ${min}` : ` from ${min} to ${max}`}`,
    );
  return n;
}

/** A TCP port, 1 to 65535. */
export function parsePort(value: string, source: string): number {
  return parseWholeNumber(value, source, 1, 65535);
}

/**
 * `host:port` (an IPv6 host in brackets), e.g. `0.0.0.0:9464`.
 * @throws {InvalidValueError} no port, an empty host, or a port out of range
 */
export function parseHostPort(value: string, source: string): string {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d+)$/u.exec(value.trim());
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535)
    throw new InvalidValueError(source, value, 'a host:port address', { hint: 'give one such as 0.0.0.0:9464' });
  return value.trim();
}

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A log level in any case (`debug`, `INFO`); `warning` is taken for WARN as Python's logging spells it.
 * @throws {InvalidValueError} anything else
 */
export function parseLogLevel(value: string, source: string): LogLevel {
  const upper = value.trim().toUpperCase();
  const level = upper === 'WARNING' ? 'WARN' : upper;
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new InvalidValueError(source, value, 'a log level', {
      hint: `give one of ${LOG_LEVELS.join(', ').toLowerCase()}`,
    });
  return level as LogLevel;
}

/**
 * A task queue name: not empty, no surrounding spaces.
 * @throws {InvalidValueError} an empty or blank name
 */
export function parseTaskQueue(value: string, source: string): string {
  if (!value.trim() || value.trim() !== value)
    throw new InvalidValueError(source, value, 'a task queue name', { hint: 'give a non-empty name such as meltano' });
  return value;
}
