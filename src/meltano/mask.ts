/**
 * The one masker: a schedule's `env` values (and a webhook URL) replaced by
 * `***` wherever text leaves the worker's process: worker log, failure
 * messages, heartbeats, notifications, `runs logs`. Short values (under 4
 * characters) are left alone: masking `1` or `dev` everywhere would make logs
 * unreadable and hides nothing secret.
 */
import type { ScheduleDef } from '../project/model.js';

export const MASK = '***';

export function secretMasker(values: Iterable<string>): (text: string) => string {
  const secrets = [...new Set(values)].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  if (!secrets.length) return (text) => text;
  return (text) => secrets.reduce((t, s) => t.split(s).join(MASK), text);
}

/** A schedule's env as Meltano passes it to plugins: values verbatim, as strings (none without a schedule). */
export function scheduleEnv(schedule: Pick<ScheduleDef, 'env'> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(schedule?.env ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
}
