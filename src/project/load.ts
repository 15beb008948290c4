/**
 * Loads a Meltano project the way Meltano does: `meltano.yml`, then every
 * file matched by its `include_paths` globs (in pattern order), lists
 * concatenated. Structural problems (YAML syntax, a bad include path, the
 * same name defined twice) stop the load with a message naming file and
 * entry; a problem inside one job or schedule is recorded in `problems` so
 * every other entry stays usable.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { load as loadYaml, YAMLException } from 'js-yaml';
import { globSync } from 'tinyglobby';
import { ProjectFileError, ProjectNotFoundError } from '../errors.js';
import type { EntryProblem, JobDef, PluginDef, Project, ProjectFile, ScheduleDef, Transform } from './model.js';
import { describeType, emptyTaskProblem, tasksShapeProblem, type TasksValue } from './tasks.js';
import { readDotEnv } from './dotenv.js';
import { mergedTopLevel, projectSettings } from './settings.js';
import { boxedCount, MELTANO_YAML_SCHEMA, plainExceptScheduleEnv, plainValues } from './yaml-values.js';
import { PyFloat, PyInt, pyRepr } from './python-format.js';
import { readParsed, writeParsed } from './parse-cache.js';

export const MELTANO_FILE = 'meltano.yml';

/**
 * The project root: `--project DIR`, else `MELTANO_PROJECT_ROOT`, else the
 * current directory or the nearest parent holding a `meltano.yml` (as Meltano).
 * `--project` may also name the meltano.yml file itself. No project: exit 2,
 * as `meltano` exits.
 */
export function findProjectRoot(explicit?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const given = explicit || env.MELTANO_PROJECT_ROOT;
  if (given) {
    const target = path.resolve(cwd, given);
    const fix = (dir: string): string =>
      explicit
        ? `pass --project ${existsSync(path.join(dir, MELTANO_FILE)) ? dir : 'the directory that holds meltano.yml'}`
        : `set MELTANO_PROJECT_ROOT=${existsSync(path.join(dir, MELTANO_FILE)) ? dir : 'the directory that holds meltano.yml'}`;
    const stat = statSync(target, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) {
      // Meltano itself needs the directory; a path to meltano.yml on our own option is plain enough to accept.
      if (explicit && path.basename(target) === MELTANO_FILE) return path.dirname(target);
      const what = explicit ? target : `MELTANO_PROJECT_ROOT (${target})`;
      throw new ProjectNotFoundError(`Cannot find a Meltano project: ${what} is a file, not a project directory.`, {
        hint: fix(path.dirname(target)),
      });
    }
    if (!existsSync(path.join(target, MELTANO_FILE))) {
      throw new ProjectNotFoundError(
        `Cannot find a Meltano project: there is no ${MELTANO_FILE} in ${target}${stat ? '' : ' (no such directory)'}.`,
        {
          hint: explicit
            ? 'pass --project the directory that holds meltano.yml'
            : 'set MELTANO_PROJECT_ROOT to the directory that holds meltano.yml',
        },
      );
    }
    return target;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, MELTANO_FILE))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new ProjectNotFoundError(
    `Cannot find a Meltano project in ${cwd} or its parents: there is no ${MELTANO_FILE}.`,
    { hint: 'run from a Meltano project directory, or pass --project DIR' },
  );
}

/** Parse one YAML file; a syntax error names file, line and column. */
export function parseProjectFile(absPath: string, root: string, text?: string): ProjectFile {
  const relPath = path.relative(root, absPath) || absPath;
  let source: string;
  try {
    source = text ?? readFileSync(absPath, 'utf8');
  } catch (err) {
    throw new ProjectFileError(relPath, undefined, `cannot read the file: ${(err as Error).message}`, { cause: err });
  }
  // A large file read before with exactly this text: its data without the YAML parse.
  let data = readParsed(absPath, source);
  if (data === undefined) {
    data = parseYaml(source, relPath);
    writeParsed(absPath, source, data);
  }
  return checkedTopLevel(absPath, relPath, root, source, data);
}

/** The YAML text's data, as Meltano's loader would hold it; a syntax error names file, line and column. */
function parseYaml(source: string, relPath: string): unknown {
  let data: unknown;
  const boxedBefore = boxedCount();
  try {
    // js-yaml for reading: several times faster than a comment-keeping parser,
    // which matters to `schedule list` on large projects. Edits use `yaml`.
    data = loadYaml(source, { filename: relPath, schema: MELTANO_YAML_SCHEMA });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const where = `${relPath}:${err.mark.line + 1}:${err.mark.column + 1}`;
    throw new ProjectFileError(where, undefined, `YAML syntax error: ${err.reason}`, {
      hint: 'correct the YAML at that line and column',
      cause: err,
    });
  }
  // Floats and big integers stay as Python holds them only where they are printed or passed on.
  if (boxedCount() !== boxedBefore) {
    if (data !== null && typeof data === 'object' && Object.getPrototypeOf(data) === Object.prototype)
      plainExceptScheduleEnv(data as Record<string, unknown>);
    else data = plainValues(data);
  }
  return data;
}

function checkedTopLevel(absPath: string, relPath: string, root: string, source: string, data: unknown): ProjectFile {
  if (data === null || data === undefined) {
    // Meltano refuses an empty meltano.yml, and fails on an empty included file.
    const isMain = path.resolve(absPath) === path.join(path.resolve(root), MELTANO_FILE);
    throw new ProjectFileError(
      relPath,
      undefined,
      isMain
        ? 'the file is empty; Meltano refuses an empty meltano.yml'
        : 'the file is empty; Meltano cannot load a project with an empty included file',
      {
        hint: isMain
          ? 'give it at least one setting, for example `default_environment: dev`, or create the project with `meltano init`'
          : `give it at least \`jobs: []\`, or remove it from include_paths`,
      },
    );
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ProjectFileError(relPath, undefined, `the top level must be a mapping, not ${describeType(data)}`);
  }
  return { path: absPath, relPath, text: source, data };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The files matched by `include_paths`, in pattern order, each once, never meltano.yml itself. */
export function resolveIncludePaths(root: string, meltanoFile: ProjectFile): string[] {
  const data = asRecord(meltanoFile.data) ?? {};
  const patterns = data.include_paths ?? [];
  if (!Array.isArray(patterns) || patterns.some((p) => typeof p !== 'string')) {
    throw new ProjectFileError(meltanoFile.relPath, 'include_paths', 'must be a list of glob patterns (strings)', {
      hint: "for example include_paths: ['./subconfig_*.yml']",
    });
  }
  const realRoot = realpathSync(root);
  const seen = new Set<string>();
  const result: string[] = [];
  for (const pattern of patterns as string[]) {
    // Python's Path.glob yields directory order; we sort for a stable merge order.
    const matches = globSync(pattern, {
      cwd: root,
      dot: true,
      onlyFiles: false,
      absolute: true,
      expandDirectories: false,
    }).sort();
    for (const match of matches) {
      const abs = path.resolve(match);
      if (abs === meltanoFile.path || seen.has(abs)) continue;
      const rel = path.relative(root, abs);
      if (!statSync(abs).isFile()) {
        throw new ProjectFileError(
          meltanoFile.relPath,
          `include_paths '${pattern}'`,
          `matches '${rel}', which is not a file`,
          { hint: 'narrow the pattern so it only matches YAML files' },
        );
      }
      const real = realpathSync(abs);
      if (!isInside(real, realRoot)) {
        throw new ProjectFileError(
          meltanoFile.relPath,
          `include_paths '${pattern}'`,
          `matches '${rel}', which is outside the project root`,
          { hint: 'keep included files inside the project directory' },
        );
      }
      seen.add(abs);
      result.push(abs);
    }
  }
  return result;
}

function entryName(entry: Record<string, unknown> | undefined, index: number): string {
  const name = entry?.name;
  return typeof name === 'string' ? name : `#${index + 1}`;
}

function listOf(file: ProjectFile, data: Record<string, unknown>, key: string): unknown[] {
  const value = data[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new ProjectFileError(file.relPath, key, `must be a list, not ${describeType(value)}`);
  return value;
}

const JOB_KEYS = new Set(['name', 'tasks', 'annotations']);
const TRANSFORMS: ReadonlySet<string> = new Set(['run', 'skip', 'only']);

/** Records problems of one entry; `named` entries can be found by edits and count for duplicates. */
function problemRecorder(
  file: ProjectFile,
  kind: EntryProblem['kind'],
  entry: Record<string, unknown> | undefined,
  index: number,
  problems: EntryProblem[],
) {
  const name = entryName(entry, index);
  const named = typeof entry?.name === 'string' && entry.name.length > 0;
  return (reason: string, fix?: string): undefined => {
    problems.push({
      file: file.relPath,
      kind,
      name,
      message: named ? `${kind} '${name}': ${reason}` : `${kind} ${name} ${reason}`,
      reason,
      ...(fix ? { fix } : {}),
      index,
      named,
    });
    return undefined;
  };
}

const TASKS_FIX = (name: string): string => `meltano-temporal job set ${name} --tasks '["tap target", ...]'`;

function readJob(file: ProjectFile, raw: unknown, index: number, problems: EntryProblem[]): JobDef | undefined {
  const entry = asRecord(raw);
  const name = entryName(entry, index);
  const problem = problemRecorder(file, 'job', entry, index, problems);
  if (!entry) return problem('must be a mapping with name and tasks', `correct job ${name} in ${file.relPath}`);
  if (typeof entry.name !== 'string' || !entry.name)
    return problem('has no name', `name job ${name} in ${file.relPath}`);
  const extra = Object.keys(entry).filter((k) => !JOB_KEYS.has(k));
  if (extra.length)
    return problem(
      `has unknown key(s) ${extra.join(', ')}; a job has only name, tasks and annotations`,
      `remove ${extra.join(', ')} from job '${name}' in ${file.relPath}`,
    );
  const shape = tasksShapeProblem(entry.tasks);
  if (shape) return problem(shape, TASKS_FIX(name));
  const empty = emptyTaskProblem(entry.tasks as TasksValue);
  if (empty) return problem(empty, TASKS_FIX(name));
  return { name, tasks: entry.tasks as TasksValue, file: file.relPath, index };
}

function readSchedule(
  file: ProjectFile,
  raw: unknown,
  index: number,
  problems: EntryProblem[],
): ScheduleDef | undefined {
  const entry = asRecord(raw);
  const name = entryName(entry, index);
  const problem = problemRecorder(file, 'schedule', entry, index, problems);
  if (!entry) return problem('must be a mapping', `correct schedule ${name} in ${file.relPath}`);
  if (typeof entry.name !== 'string' || !entry.name)
    return problem('has no name', `name schedule ${name} in ${file.relPath}`);
  const interval = entry.interval ?? null;
  // A number or boolean is what Meltano holds and lists as written; anything else (a list, a mapping) it cannot use.
  const scalar =
    typeof interval === 'number' ||
    typeof interval === 'boolean' ||
    interval instanceof PyFloat ||
    interval instanceof PyInt;
  if (interval !== null && typeof interval !== 'string' && !scalar)
    return problem(
      "interval must be a string such as '@daily' or '0 * * * *'",
      `meltano-temporal schedule set ${name} --interval '@daily'`,
    );
  const envValue = entry.env ?? {};
  const env = asRecord(envValue);
  if (!env) return problem('env must be a mapping of variable names to values', `correct its env in ${file.relPath}`);
  const annotations = asRecord(entry.annotations);
  const base = {
    name,
    interval: scalar ? pyRepr(interval) : (interval as string | null),
    ...(scalar ? { intervalScalar: interval } : {}),
    env,
    ...(annotations ? { annotations } : {}),
    file: file.relPath,
    index,
  };
  if (entry.job) {
    if (typeof entry.job !== 'string')
      return problem('job must be a job name', `meltano-temporal schedule set ${name} --job NAME`);
    return { kind: 'job', ...base, job: entry.job };
  }
  const missing = ['extractor', 'loader', 'transform'].filter((k) => typeof entry[k] !== 'string' || !entry[k]);
  if (missing.length) {
    return problem(
      `has neither a job nor a complete elt definition (missing ${missing.join(', ')})`,
      `give it a job (meltano-temporal schedule set ${name} --job NAME) or complete it in ${file.relPath}`,
    );
  }
  if (!TRANSFORMS.has(entry.transform as string))
    return problem('transform must be run, skip or only', `meltano-temporal schedule set ${name} --transform skip`);
  return {
    kind: 'elt',
    ...base,
    extractor: entry.extractor as string,
    loader: entry.loader as string,
    transform: entry.transform as Transform,
  };
}

function readPlugins(data: Record<string, unknown>): PluginDef[] {
  const result: PluginDef[] = [];
  const byType = asRecord(data.plugins) ?? {};
  for (const [type, list] of Object.entries(byType)) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const plugin = asRecord(raw);
      if (!plugin || typeof plugin.name !== 'string') continue;
      const mappings = Array.isArray(plugin.mappings)
        ? plugin.mappings.map((m) => asRecord(m)?.name).filter((n): n is string => typeof n === 'string')
        : [];
      result.push({ name: plugin.name, type, mappings });
    }
  }
  return result;
}

/** Entries in file order, then entry order, so a duplicate is reported at its second place. */
function sortByPlace<T extends { file: string; index: number }>(files: ProjectFile[], entries: T[]): T[] {
  const order = new Map(files.map((f, i) => [f.relPath, i]));
  return [...entries].sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.index - b.index);
}

/** Fail when a name is defined twice: Meltano refuses that across include files, and a second definition is never what was meant. */
function checkUnique(entries: ReadonlyArray<{ name: string; file: string }>, kind: string): void {
  const first = new Map<string, string>();
  for (const entry of entries) {
    const where = first.get(entry.name);
    if (where !== undefined) {
      const files = where === entry.file ? `twice in ${where}` : `in both ${where} and ${entry.file}`;
      throw new ProjectFileError(entry.file, `${kind} '${entry.name}'`, `is defined ${files}`, {
        hint: `rename or remove one of the two ${kind}s`,
      });
    }
    first.set(entry.name, entry.file);
  }
}

export interface LoadOptions {
  root?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** What a project's settings are resolved with, besides its files. */
export interface BuildContext {
  /** Environment variables (default: the process's). */
  env?: NodeJS.ProcessEnv;
  /** Values of the project's `.env` (default: read from `<root>/.env`). */
  dotenv?: Record<string, string>;
}

/** True when `real` (a resolved path) is `realRoot` or inside it. */
export function isInside(real: string, realRoot: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
}

/**
 * meltano.yml may be a symlink, but to a file inside the project: Meltano
 * refuses any other (and an edit must never land outside the project).
 */
function checkMeltanoFileInside(root: string, meltanoPath: string): void {
  const realRoot = realpathSync(root);
  const real = realpathSync(meltanoPath);
  if (!isInside(real, realRoot)) {
    throw new ProjectFileError(
      MELTANO_FILE,
      undefined,
      `is a symlink to ${real}, which is outside the project root ${realRoot}; Meltano refuses such a project`,
      { hint: 'make meltano.yml a regular file, or a symlink to a file inside the project directory' },
    );
  }
}

export function loadProject(options: LoadOptions = {}): Project {
  const root = findProjectRoot(options.root, options.env ?? process.env, options.cwd ?? process.cwd());
  const meltanoPath = path.join(root, MELTANO_FILE);
  checkMeltanoFileInside(root, meltanoPath);
  const main = parseProjectFile(meltanoPath, root);
  const files = [main, ...resolveIncludePaths(root, main).map((p) => parseProjectFile(p, root))];
  const env = options.env ?? process.env;
  return buildProject(root, files, { env, dotenv: readDotEnv(path.join(root, '.env'), env) });
}

/** Build the model from already parsed files (also used to check an edit before it is written). */
export function buildProject(root: string, files: ProjectFile[], context: BuildContext = {}): Project {
  const problems: EntryProblem[] = [];
  const jobs: JobDef[] = [];
  const schedules: ScheduleDef[] = [];
  const plugins: PluginDef[] = [];
  for (const file of files) {
    const data = asRecord(file.data) ?? {};
    listOf(file, data, 'jobs').forEach((raw, index) => {
      const job = readJob(file, raw, index, problems);
      if (job) jobs.push(job);
    });
    listOf(file, data, 'schedules').forEach((raw, index) => {
      const schedule = readSchedule(file, raw, index, problems);
      if (schedule) schedules.push(schedule);
    });
    plugins.push(...readPlugins(data));
    listOf(file, data, 'environments'); // validated (a list), not otherwise read
  }
  // An entry that cannot be read still holds its name: a second entry of that name is a duplicate.
  const namedProblems = (kind: EntryProblem['kind']) =>
    problems
      .filter((p) => p.kind === kind && p.named)
      .map((p) => ({ name: p.name, file: p.file, index: p.index ?? 0 }));
  checkUnique(sortByPlace(files, [...jobs, ...namedProblems('job')]), 'job');
  checkUnique(sortByPlace(files, [...schedules, ...namedProblems('schedule')]), 'schedule');
  const env = context.env ?? process.env;
  const dotenv = context.dotenv ?? readDotEnv(path.join(root, '.env'), env);
  // Top-level settings: Meltano deep-merges meltano.yml with every included file.
  const defaultEnvironment = mergedTopLevel(files, 'default_environment');
  const rawProjectId = mergedTopLevel(files, 'project_id');
  const projectId = typeof rawProjectId === 'string' && rawProjectId.trim() ? rawProjectId.trim() : null;
  return {
    projectId,
    root,
    files,
    jobs,
    schedules,
    plugins,
    defaultEnvironment: typeof defaultEnvironment === 'string' ? defaultEnvironment : null,
    problems,
    dotenv,
    settings: projectSettings({ root, files, dotenv }, env),
  };
}

export function findJob(project: Project, name: string): JobDef | undefined {
  return project.jobs.find((j) => j.name === name);
}

export function findSchedule(project: Project, name: string): ScheduleDef | undefined {
  return project.schedules.find((s) => s.name === name);
}
