/**
 * Whether this process was started by Meltano as a plugin: `meltano invoke temporal:...`, or
 * a `temporal:...` block of `meltano run`. Meltano then builds the whole environment (its
 * project settings, the plugin's settings, .env) and sets MELTANO_ENVIRONMENT to its active
 * environment, '' when none. MELTANO_UTILITY_NAME marks it: Meltano sets it for every utility
 * it starts (its plugin info variables, MELTANO_<TYPE>_NAME), and nothing else does.
 */
export const INVOKE_MARKER = 'MELTANO_UTILITY_NAME';

export function startedByMeltano(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env[INVOKE_MARKER]);
}
