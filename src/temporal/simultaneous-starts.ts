/**
 * Schedules that start at the very same instant: same cron, same time zone,
 * no jitter, not paused. The server starts their runs one after another, so
 * with many of them the last ones start late (or past their catch-up window,
 * skipped); a jitter spreads them. Only identical crons are grouped: two
 * different crons that meet now and then (`@hourly` and `@daily` at
 * midnight) are not counted together.
 */
import type { DesiredSchedule } from './schedule-mapping.js';

/** More schedules than this starting at one instant draws a warning. */
export const SIMULTANEOUS_STARTS_WARNING = 50;

export interface SimultaneousStarts {
  cron: string;
  timezone: string;
  schedules: string[];
}

/** Groups of more than `threshold` schedules starting together, largest first. */
export function simultaneousStarts(
  desired: DesiredSchedule[],
  threshold = SIMULTANEOUS_STARTS_WARNING,
): SimultaneousStarts[] {
  const groups = new Map<string, SimultaneousStarts>();
  for (const d of desired) {
    if (!d.cron || d.annotations.jitter || d.annotations.paused) continue;
    const timezone = d.annotations.timezone ?? 'UTC';
    const key = JSON.stringify([d.cron, timezone]);
    const group = groups.get(key) ?? { cron: d.cron, timezone, schedules: [] };
    group.schedules.push(d.schedule.name);
    groups.set(key, group);
  }
  return [...groups.values()]
    .filter((g) => g.schedules.length > threshold)
    .sort((a, b) => b.schedules.length - a.schedules.length);
}

/** The warning for one group, naming the fix. */
export function simultaneousStartsWarning(g: SimultaneousStarts): string {
  return (
    `${g.schedules.length} schedules start at the same instant (cron '${g.cron}', ${g.timezone}) with no jitter ` +
    `(${g.schedules.slice(0, 3).join(', ')}, ...): the server starts their runs one after another, so the last ` +
    `ones start late. Spread them with annotations.temporal.jitter (e.g. jitter: 2m) on these schedules; ` +
    `see "Many schedules on one cron" in docs/scaling.md`
  );
}
