/**
 * Secrets (a schedule's env values, a webhook URL) replaced by `***` wherever
 * text leaves the worker: logs, failure messages, notifications.
 */

/** Values shorter than this are not masked: `1`, `true` or `dev` would garble every line. */
const MIN_SECRET_LENGTH = 4;

export function masker(secrets: Iterable<string>): (text: string) => string {
  const list = [...new Set(secrets)].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  return (text) => list.reduce((t, s) => t.split(s).join('***'), text);
}
