/**
 * The one masker: a schedule's `env` values (and a webhook URL) replaced by
 * `***` wherever text leaves the worker's process: worker log, failure
 * messages, heartbeats, notifications, `runs logs`. Short values (under 4
 * characters) are left alone: masking `1` or `dev` everywhere would make logs
 * unreadable and hides nothing secret. `maskedEnvValues` picks which of a
 * schedule's env values are masked: every one but those that are plainly not
 * secrets, so that `MELTANO_RUN_FULL_REFRESH: "true"` does not turn every
 * "true" of the logs into `***`.
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

/** A key that may hold a secret whatever its value looks like (a numeric PIN, a password `1234`). */
const SECRET_KEY = /PASS|PWD|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE|CERT|PIN|SALT|SIGN/iu;
/** Booleans and numbers: a setting's switch or size, never a secret under a key like the above. */
const PLAIN_VALUE = /^(?:true|false|yes|no|on|off|[+-]?\d+(?:\.\d+)?)$/iu;
/** `meltano run`'s own options as variables (`--full-refresh`, `--state-id-suffix`, ...): flags and names. */
const RUN_OPTION_KEY = /^MELTANO_RUN_/u;

/**
 * The values of a schedule's env that the masker hides: all of them, except
 * `meltano run`'s options (`MELTANO_RUN_*`) and booleans or numbers under a key that
 * does not look secret (see SECRET_KEY). A value that is also the value of a masked key
 * stays masked: the masker hides text, not keys.
 */
export function maskedEnvValues(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env)
    .filter(([key, value]) => !RUN_OPTION_KEY.test(key) && !(PLAIN_VALUE.test(value) && !SECRET_KEY.test(key)))
    .map(([, value]) => value);
}
