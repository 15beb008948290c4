/**
 * How the worker writes a log entry: a readable line (`time LEVEL message  k=v`),
 * or for log shippers one JSON object per line with `time`, `level`, `message`
 * and the entry's fields at the top level.
 */
import { InvalidValueError } from '../errors.js';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * `text` or `json`, in any case.
 * @throws {InvalidValueError} anything else
 */
export function parseLogFormat(value: string, source: string): LogFormat {
  const format = value.trim().toLowerCase();
  if (!(LOG_FORMATS as readonly string[]).includes(format))
    throw new InvalidValueError(source, value, 'a log format', { hint: `give one of ${LOG_FORMATS.join(', ')}` });
  return format as LogFormat;
}

/** A field value JSON can hold: errors by their message, big integers as strings. */
function plain(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** One JSON line; the entry's own time, level and message win over fields of those names. */
export function jsonLogLine(time: Date, level: string, message: string, fields: Record<string, unknown> = {}): string {
  const entry: Record<string, unknown> = { time: time.toISOString(), level, message };
  for (const [key, value] of Object.entries(fields))
    if (!(key in entry) && value !== undefined) entry[key] = plain(value);
  try {
    return JSON.stringify(entry);
  } catch {
    // A field JSON cannot hold (a cycle): keep the line, drop the fields.
    return JSON.stringify({ time: entry.time, level, message });
  }
}
