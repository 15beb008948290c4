/**
 * Meltano's schedule intervals: presets, manual-only aliases and its own
 * 5-field cron validator, reproduced rule for rule so that this tool accepts
 * and rejects exactly what `meltano schedule add --interval` does.
 */

/** Preset -> cron; `null` means "manual runs only" (no automatic runs). */
export const CRON_INTERVALS: Readonly<Record<string, string | null>> = Object.freeze({
  '@once': null,
  '@manual': null,
  '@none': null,
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@midnight': '0 0 * * *',
});

const FIELD_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 59], // minute
  [0, 23], // hour
  [1, 31], // day of month
  [1, 12], // month
  [0, 6], // day of week
];

const MONTH_ALIASES: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const DOW_ALIASES: Readonly<Record<string, number>> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const MONTH = 3;
const DOW = 4;
const DAY = 2;

const isDigits = (s: string): boolean => /^[0-9]+$/.test(s);

function parseValue(value: string, field: number): number | null {
  if (!value) return null;
  if (isDigits(value)) return Number.parseInt(value, 10);
  if (field === MONTH && value in MONTH_ALIASES) return MONTH_ALIASES[value] ?? null;
  if (field === DOW && value in DOW_ALIASES) return DOW_ALIASES[value] ?? null;
  if (value === 'l') return field === DAY ? 31 : null;
  return null;
}

function isValidPart(part: string, field: number, min: number, max: number): boolean {
  const slash = part.indexOf('/');
  if (slash >= 0) {
    const base = part.slice(0, slash);
    const step = part.slice(slash + 1);
    if (!isDigits(step) || Number.parseInt(step, 10) <= 0) return false;
    if (!base) return false;
    if (base === '*') return true;
    return isValidPart(base, field, min, max);
  }
  const dash = part.indexOf('-');
  if (dash >= 0) {
    const start = parseValue(part.slice(0, dash), field);
    let end = parseValue(part.slice(dash + 1), field);
    if (start === null || end === null) return false;
    if (start > end && field === DOW) return true; // wrap-around such as fri-mon
    if (end === 7 && field === DOW) end = 0;
    return min <= start && start <= max && min <= end && end <= max;
  }
  const value = parseValue(part, field);
  if (value === null) return false;
  if (field === DOW && value === 7) return true;
  return min <= value && value <= max;
}

function isValidField(fieldText: string, field: number): boolean {
  if (fieldText === '*') return true;
  if (fieldText === '?') return field === DAY || field === DOW;
  if (fieldText === 'l') return field === DAY;
  const range = FIELD_RANGES[field];
  if (!range) return false;
  // Meltano accepts a list when any one of its parts is valid; we keep that
  // rule so both tools agree, and sync reports what the Temporal server refuses.
  return fieldText.split(',').some((part) => isValidPart(part, field, range[0], range[1]));
}

/** Python's str.split() with no argument: runs of whitespace separate. */
function pySplit(s: string): string[] {
  // eslint-disable-next-line no-control-regex -- Python also splits on the separators \x1c-\x1f
  return s.split(/[\s\u001c-\u001f\u0085]+/u).filter((x) => x.length > 0);
}

/** Meltano's `is_valid_cron`: lower-cased, presets expanded, exactly 5 fields. */
export function isValidCron(expression: string): boolean {
  let expr = expression.trim().toLowerCase();
  const preset = CRON_INTERVALS[expr];
  if (preset) expr = preset;
  const fields = pySplit(expr);
  if (fields.length !== 5) return false;
  return fields.every((f, i) => isValidField(f, i));
}

/** Whether `meltano schedule add/set --interval` accepts this value. */
export function isValidInterval(interval: string): boolean {
  return Object.hasOwn(CRON_INTERVALS, interval) || isValidCron(interval);
}

/** Meltano's `cron_interval`: the preset's cron, else the interval as written; the lookup is case-sensitive. */
export function cronInterval(interval: string | null | undefined): string | null {
  if (!interval) return null;
  return Object.hasOwn(CRON_INTERVALS, interval) ? (CRON_INTERVALS[interval] ?? null) : interval;
}

/** True for `@once`, `@manual`, `@none` (and a missing interval): no automatic runs. */
export function isManualOnly(interval: string | null | undefined): boolean {
  return cronInterval(interval) === null;
}

export function badIntervalMessage(interval: string): string {
  return `Invalid Cron expression or alias: '${interval}'. Please use a valid cron expression.`;
}
