/**
 * The one duration grammar: a number and a unit, `500ms`, `1.5s`, `5m`, `2h`,
 * `30d`, as meltano.yml annotations and flags write them. Annotation values
 * must be exactly that (they are passed on to Temporal as written); flags and
 * environment variables may have spaces around, and a bare number counts in
 * the unit the setting names (`MELTANO_TEMPORAL_STOP_GRACE_MS=15000`).
 * Durations are shown by `formatDuration` in workflows/summary.ts (the
 * workflow formats them too, and may not import from src/).
 */
import { InvalidValueError } from '../errors.js';

export const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type DurationUnit = keyof typeof DURATION_UNITS_MS;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/u;

/**
 * Milliseconds of a duration string; NaN when it is not one. Without `bareUnit`
 * the unit is required; with it, a bare number counts in that unit.
 */
export function durationMs(value: string, bareUnit?: DurationUnit): number {
  const m = DURATION.exec(value);
  const unit = (m?.[2] as DurationUnit | undefined) ?? bareUnit;
  if (!m || !unit) return Number.NaN;
  return Number(m[1]) * DURATION_UNITS_MS[unit];
}

/**
 * A duration typed by a user (a flag, an environment variable), in whole
 * milliseconds; spaces around it are ignored, a bare number is in `bareUnit`.
 * @throws {InvalidValueError} anything else, or a negative value
 */
export function parseDuration(value: string, source: string, bareUnit: DurationUnit = 'ms'): number {
  const ms = durationMs(value.trim(), bareUnit);
  if (Number.isNaN(ms))
    throw new InvalidValueError(source, value, 'a duration', { hint: 'give one such as 30s, 5m or 1h' });
  return Math.round(ms);
}
