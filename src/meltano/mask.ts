/**
 * Masking of a schedule's `env` values wherever task output leaves the
 * worker's process: worker log, failure messages, heartbeats, `runs logs`.
 * Short values (under 4 characters) are left alone: masking `1` or `dev`
 * everywhere would make logs unreadable and hides nothing secret.
 */
import type { Project } from '../project/model.js';

export const MASK = '***';

export function secretMasker(values: Iterable<string>): (text: string) => string {
  const secrets = [...new Set(values)].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  if (!secrets.length) return (text) => text;
  return (text) => secrets.reduce((t, s) => t.split(s).join(MASK), text);
}

/** A schedule's env as Meltano passes it to plugins: values verbatim, as strings. */
export function scheduleEnv(project: Project, scheduleName: string | undefined): Record<string, string> {
  if (!scheduleName) return {};
  const schedule = project.schedules.find((s) => s.name === scheduleName);
  return Object.fromEntries(Object.entries(schedule?.env ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
}
