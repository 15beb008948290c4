/**
 * The Meltano settings that decide where Meltano keeps its state and whether
 * the project may be edited, resolved the way Meltano 4.4 resolves them
 * (meltano/core/settings_store.py, project_settings_service.py, cli/cli.py):
 *
 * - a setting's environment variable (`MELTANO_DATABASE_URI`, ...) from the
 *   process, where meltano.yml's top-level `env:` overrides the process;
 * - else the project's `.env`;
 * - else the top-level key in meltano.yml (merged with the included files),
 *   with `$VAR` / `${VAR}` expanded;
 * - else Meltano's default.
 *
 * The environment a run uses: `--environment`, else `MELTANO_ENVIRONMENT` from
 * the process (even when empty), else from `.env`; `null` means none; else the
 * `default_environment` setting. Under `meltano invoke`, an empty
 * `MELTANO_ENVIRONMENT` means none: Meltano exports its active environment there.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { ProjectFile } from './model.js';
import { startedByMeltano } from '../meltano/invocation.js';

export type SettingSource = 'environment' | 'meltano.yml env' | '.env' | 'meltano.yml' | 'default';

export interface SettingValue<T> {
  value: T;
  source: SettingSource;
  /** Where it was set, for messages: `MELTANO_DATABASE_URI in .env`, `database_uri in meltano.yml`. */
  origin: string;
}

export type EnvironmentSource = '--environment' | 'MELTANO_ENVIRONMENT' | '.env' | 'default_environment' | 'none';

export interface EnvironmentChoice {
  /** The environment's name; undefined when none is selected. */
  name: string | undefined;
  source: EnvironmentSource;
  /** Where the choice was made, for messages. */
  origin: string;
}

export interface ProjectSettings {
  /** The environment `meltano run` uses when no `--environment` is given. */
  environment: EnvironmentChoice;
  /** `project_readonly`: edits of meltano.yml are refused. */
  projectReadonly: SettingValue<boolean>;
  /** `database_uri`: Meltano's system database (state, run records, the run lock). */
  databaseUri: SettingValue<string>;
  /** Meltano's system directory: `MELTANO_SYS_DIR_ROOT`, else `<root>/.meltano` (resolved). */
  systemDirectory: string;
}

/** What the settings are read from. */
export interface SettingsInput {
  root: string;
  files: readonly ProjectFile[];
  /** Values of the project's `.env`. */
  dotenv: Readonly<Record<string, string>>;
}

const MELTANO_VERSION = '4.4.1';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Meltano's deep merge of meltano.yml with its included files: mappings merged, lists extended, the rest replaced. */
function deepMerge(base: unknown, next: unknown): unknown {
  if (isRecord(base) && isRecord(next)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(next)) out[k] = k in out ? deepMerge(out[k], v) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(next)) return [...(base as unknown[]), ...(next as unknown[])];
  return next;
}

/** The project's top-level value of `key`, as Meltano sees it after merging every project file. */
export function mergedTopLevel(files: readonly ProjectFile[], key: string): unknown {
  let value: unknown = undefined;
  for (const file of files) {
    if (!isRecord(file.data) || !(key in file.data)) continue;
    value = value === undefined ? file.data[key] : deepMerge(value, file.data[key]);
  }
  return value;
}

/** Python's `Path(p).resolve()`: absolute, symlinks resolved as far as the path exists. */
function resolveExisting(p: string): string {
  const absolute = path.resolve(p);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = path.dirname(absolute);
    return parent === absolute ? absolute : path.join(resolveExisting(parent), path.basename(absolute));
  }
}

function realRoot(root: string): string {
  return resolveExisting(root);
}

/** Meltano's system directory for this project. */
export function systemDirectory(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolveExisting(env.MELTANO_SYS_DIR_ROOT ?? path.join(realRoot(root), '.meltano'));
}

/** Variables in layers, later ones first (a key present there, even empty, hides earlier ones), as Python's `{**a, **b}`. */
type Layers = ReadonlyArray<Readonly<Record<string, unknown>>>;

function lookup(layers: Layers, name: string): { found: boolean; value: unknown; layer: number } {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (layer && Object.prototype.hasOwnProperty.call(layer, name) && layer[name] !== undefined)
      return { found: true, value: layer[name], layer: i };
  }
  return { found: false, value: undefined, layer: -1 };
}

// Meltano's `$VAR` / `${VAR}` expansion; `\$VAR` stays `$VAR`; an unset variable becomes ''.
const ENV_VAR = /(\\)?\$(?:\{([\p{L}\p{N}_]+)\}|([A-Z][A-Z0-9_]*))/gu;

function expandEnvVars(value: string, layers: Layers): string {
  return value.replace(
    ENV_VAR,
    (_match, escape: string | undefined, curly: string | undefined, plain: string | undefined) => {
      const name = curly ?? plain ?? '';
      if (escape) return curly !== undefined ? `\${${name}}` : `$${name}`;
      const { value: found } = lookup(layers, name);
      return found === undefined || found === null ? '' : String(found);
    },
  );
}

/** Python's truthiness of a setting value: strings by Meltano's `truthy()`, the rest by `bool()`. */
function truthy(value: unknown): boolean {
  if (typeof value === 'string') return ['true', '1', 'yes', 'on'].includes(value.toLowerCase());
  if (typeof value === 'number') return value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

interface Resolved {
  value: unknown;
  source: SettingSource;
  origin: string;
}

/** What every setting of one project is resolved against, computed once. */
interface Context {
  input: SettingsInput;
  env: NodeJS.ProcessEnv;
  ymlEnv: Readonly<Record<string, unknown>>;
  realRoot: string;
  systemDirectory: string;
}

function context(input: SettingsInput, env: NodeJS.ProcessEnv): Context {
  const ymlEnv = mergedTopLevel(input.files, 'env');
  const root = realRoot(input.root);
  return {
    input,
    env,
    ymlEnv: isRecord(ymlEnv) ? ymlEnv : {},
    realRoot: root,
    systemDirectory: resolveExisting(env.MELTANO_SYS_DIR_ROOT ?? path.join(root, '.meltano')),
  };
}

/**
 * One project setting by Meltano's store precedence. `environmentName` is the
 * active environment, which Meltano exposes to expansion as MELTANO_ENVIRONMENT.
 */
function resolveSetting(ctx: Context, name: string, environmentName: string, fallback: unknown): Resolved {
  const variable = `MELTANO_${name.toUpperCase().replace(/\./gu, '_')}`;
  const projectEnv = {
    MELTANO_PROJECT_ROOT: ctx.realRoot,
    MELTANO_ENVIRONMENT: environmentName,
    MELTANO_SYS_DIR_ROOT: ctx.systemDirectory,
    MELTANO_USER_AGENT: `Meltano/${MELTANO_VERSION}`,
  };
  // The "environment" store: the process, then the project's own variables, then meltano.yml's `env:`.
  const environment: Layers = [ctx.env, projectEnv, ctx.ymlEnv];
  const fromEnvironment = lookup(environment, variable);
  if (fromEnvironment.found && fromEnvironment.value !== null) {
    const inYml = fromEnvironment.layer === 2;
    return {
      value: fromEnvironment.value,
      source: inYml ? 'meltano.yml env' : 'environment',
      origin: inYml ? `${variable} in the env of meltano.yml` : `${variable} in the environment`,
    };
  }
  const fromDotenv = ctx.input.dotenv[variable];
  if (fromDotenv !== undefined) return { value: fromDotenv, source: '.env', origin: `${variable} in .env` };
  const expansion: Layers = [ctx.input.dotenv, ...environment];
  const fromYml = mergedTopLevel(ctx.input.files, name);
  if (fromYml !== undefined && fromYml !== null) {
    return {
      value: typeof fromYml === 'string' ? expandEnvVars(fromYml, expansion) : fromYml,
      source: 'meltano.yml',
      origin: `${name} in meltano.yml`,
    };
  }
  return {
    value: typeof fallback === 'string' ? expandEnvVars(fallback, expansion) : fallback,
    source: 'default',
    origin: `Meltano's default ${name}`,
  };
}

/** The environment a run uses: explicit (`--environment`), else as Meltano selects it. */
export function selectedEnvironment(
  input: SettingsInput,
  env: NodeJS.ProcessEnv = process.env,
  explicit?: string,
): EnvironmentChoice {
  return chooseEnvironment(context(input, env), explicit);
}

function chooseEnvironment(ctx: Context, explicit?: string): EnvironmentChoice {
  let name: string | undefined;
  let source: EnvironmentSource;
  if (explicit) {
    [name, source] = [explicit, '--environment'];
  } else if (ctx.env.MELTANO_ENVIRONMENT !== undefined) {
    // Set but empty still hides .env's value, as in Meltano.
    [name, source] = [ctx.env.MELTANO_ENVIRONMENT, 'MELTANO_ENVIRONMENT'];
    // Under `meltano invoke` it is the invoking meltano's active environment, '' when it has
    // none (`meltano --no-environment invoke ...`): none, not default_environment.
    if (name === '' && startedByMeltano(ctx.env))
      return {
        name: undefined,
        source,
        origin: 'meltano invoke without an environment (MELTANO_ENVIRONMENT is empty)',
      };
  } else {
    [name, source] = [ctx.input.dotenv.MELTANO_ENVIRONMENT, '.env'];
  }
  const origin =
    source === '--environment'
      ? '--environment'
      : source === '.env'
        ? 'MELTANO_ENVIRONMENT in .env'
        : 'MELTANO_ENVIRONMENT in the environment';
  if (name && name.toLowerCase() === 'null') return { name: undefined, source, origin };
  if (name) return { name, source, origin };
  const fallback = resolveSetting(ctx, 'default_environment', '', null);
  if (fallback.value !== null && fallback.value !== undefined && fallback.value !== '')
    return { name: String(fallback.value), source: 'default_environment', origin: fallback.origin };
  return { name: undefined, source: 'none', origin: 'no environment selected' };
}

/** Whether edits are refused: `project_readonly`, read as Meltano reads it when it finds the project. */
export function projectReadonly(input: SettingsInput, env: NodeJS.ProcessEnv = process.env): SettingValue<boolean> {
  return readonlyOf(context(input, env));
}

function readonlyOf(ctx: Context): SettingValue<boolean> {
  const r = resolveSetting(ctx, 'project_readonly', '', false);
  return { value: truthy(r.value), source: r.source, origin: r.origin };
}

/**
 * The system database `meltano run` uses in `environment` (null: no
 * environment; omitted: the one Meltano selects). The schedule's `env`, when
 * a run applies it, belongs in `env`: it is the process environment of that run.
 */
export function systemDatabaseUri(
  input: SettingsInput,
  env: NodeJS.ProcessEnv = process.env,
  environment?: string | null,
): SettingValue<string> {
  const ctx = context(input, env);
  return databaseUriOf(ctx, environment === undefined ? chooseEnvironment(ctx).name : (environment ?? undefined));
}

function databaseUriOf(ctx: Context, environment: string | undefined): SettingValue<string> {
  const r = resolveSetting(ctx, 'database_uri', environment ?? '', 'sqlite:///$MELTANO_SYS_DIR_ROOT/meltano.db');
  return { value: String(r.value), source: r.source, origin: r.origin };
}

/** A SQLite system database is local to one host: state and the run lock are not shared between workers. */
export function isLocalDatabaseUri(uri: string): boolean {
  return /^sqlite(\+\w+)?:/iu.test(uri.trim());
}

export function projectSettings(input: SettingsInput, env: NodeJS.ProcessEnv = process.env): ProjectSettings {
  const ctx = context(input, env);
  const environment = chooseEnvironment(ctx);
  return {
    environment,
    projectReadonly: readonlyOf(ctx),
    databaseUri: databaseUriOf(ctx, environment.name),
    systemDirectory: ctx.systemDirectory,
  };
}
