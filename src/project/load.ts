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
import { ProjectFileError, UserError } from './errors.js';
import type { EntryProblem, JobDef, PluginDef, Project, ProjectFile, ScheduleDef, Transform } from './model.js';
import { describeType, tasksShapeProblem, type TasksValue } from './tasks.js';

export const MELTANO_FILE = 'meltano.yml';

/**
 * The project root: `--project DIR`, else `MELTANO_PROJECT_ROOT`, else the
 * current directory or the nearest parent holding a `meltano.yml` (as Meltano).
 */
export function findProjectRoot(explicit?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const given = explicit ?? env.MELTANO_PROJECT_ROOT;
  if (given) {
    const root = path.resolve(cwd, given);
    if (!existsSync(path.join(root, MELTANO_FILE))) {
      throw new UserError(
        `Cannot find a Meltano project in ${root}: there is no ${MELTANO_FILE}.`,
        1,
        explicit
          ? 'pass --project the directory that holds meltano.yml'
          : 'set MELTANO_PROJECT_ROOT to the directory that holds meltano.yml',
      );
    }
    return root;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, MELTANO_FILE))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new UserError(
    `Cannot find a Meltano project in ${cwd} or its parents: there is no ${MELTANO_FILE}.`,
    1,
    'run from a Meltano project directory, or pass --project DIR',
  );
}

/** Parse one YAML file; a syntax error names file, line and column. */
export function parseProjectFile(absPath: string, root: string, text?: string): ProjectFile {
  const relPath = path.relative(root, absPath) || absPath;
  let source: string;
  try {
    source = text ?? readFileSync(absPath, 'utf8');
  } catch (err) {
    throw new ProjectFileError(relPath, undefined, `cannot read the file: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    // js-yaml for reading: several times faster than a comment-keeping parser,
    // which matters to `schedule list` on large projects. Edits use `yaml`.
    data = loadYaml(source, { filename: relPath });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const where = `${relPath}:${err.mark.line + 1}:${err.mark.column + 1}`;
    throw new ProjectFileError(
      where,
      undefined,
      `YAML syntax error: ${err.reason}`,
      'correct the YAML at that line and column',
    );
  }
  if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) {
    throw new ProjectFileError(relPath, undefined, `the top level must be a mapping, not ${describeType(data)}`);
  }
  return { path: absPath, relPath, text: source, data: data ?? {} };
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
    throw new ProjectFileError(
      meltanoFile.relPath,
      'include_paths',
      'must be a list of glob patterns (strings)',
      "for example include_paths: ['./subconfig_*.yml']",
    );
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
          'narrow the pattern so it only matches YAML files',
        );
      }
      const real = realpathSync(abs);
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
        throw new ProjectFileError(
          meltanoFile.relPath,
          `include_paths '${pattern}'`,
          `matches '${rel}', which is outside the project root`,
          'keep included files inside the project directory',
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

function readJob(file: ProjectFile, raw: unknown, index: number, problems: EntryProblem[]): JobDef | undefined {
  const entry = asRecord(raw);
  const name = entryName(entry, index);
  const problem = (message: string): undefined => {
    problems.push({ file: file.relPath, kind: 'job', name, message });
    return undefined;
  };
  if (!entry) return problem(`job ${name} must be a mapping with name and tasks`);
  if (typeof entry.name !== 'string' || !entry.name) return problem(`job ${name} has no name`);
  const extra = Object.keys(entry).filter((k) => !JOB_KEYS.has(k));
  if (extra.length)
    return problem(`job '${name}' has unknown key(s) ${extra.join(', ')}; a job has only name, tasks and annotations`);
  const shape = tasksShapeProblem(entry.tasks);
  if (shape) return problem(`job '${name}': ${shape}`);
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
  const problem = (message: string): undefined => {
    problems.push({ file: file.relPath, kind: 'schedule', name, message });
    return undefined;
  };
  if (!entry) return problem(`schedule ${name} must be a mapping`);
  if (typeof entry.name !== 'string' || !entry.name) return problem(`schedule ${name} has no name`);
  const interval = entry.interval ?? null;
  if (interval !== null && typeof interval !== 'string')
    return problem(`schedule '${name}': interval must be a string such as '@daily' or '0 * * * *'`);
  const envValue = entry.env ?? {};
  const env = asRecord(envValue);
  if (!env) return problem(`schedule '${name}': env must be a mapping of variable names to values`);
  const annotations = asRecord(entry.annotations);
  const base = {
    name,
    interval: interval as string | null,
    env,
    ...(annotations ? { annotations } : {}),
    file: file.relPath,
    index,
  };
  if (entry.job) {
    if (typeof entry.job !== 'string') return problem(`schedule '${name}': job must be a job name`);
    return { kind: 'job', ...base, job: entry.job };
  }
  const missing = ['extractor', 'loader', 'transform'].filter((k) => typeof entry[k] !== 'string' || !entry[k]);
  if (missing.length) {
    return problem(
      `schedule '${name}' has neither a job nor a complete elt definition (missing ${missing.join(', ')})`,
    );
  }
  if (!TRANSFORMS.has(entry.transform as string))
    return problem(`schedule '${name}': transform must be run, skip or only`);
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

/** Fail when a name is defined twice: Meltano refuses that across include files, and a second definition is never what was meant. */
function checkUnique(entries: ReadonlyArray<{ name: string; file: string }>, kind: string): void {
  const first = new Map<string, string>();
  for (const entry of entries) {
    const where = first.get(entry.name);
    if (where !== undefined) {
      const files = where === entry.file ? `twice in ${where}` : `in both ${where} and ${entry.file}`;
      throw new ProjectFileError(
        entry.file,
        `${kind} '${entry.name}'`,
        `is defined ${files}`,
        `rename or remove one of the two ${kind}s`,
      );
    }
    first.set(entry.name, entry.file);
  }
}

export interface LoadOptions {
  root?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function loadProject(options: LoadOptions = {}): Project {
  const root = findProjectRoot(options.root, options.env ?? process.env, options.cwd ?? process.cwd());
  const meltanoPath = path.join(root, MELTANO_FILE);
  const main = parseProjectFile(meltanoPath, root);
  const files = [main, ...resolveIncludePaths(root, main).map((p) => parseProjectFile(p, root))];
  return buildProject(root, files);
}

/** Build the model from already parsed files (also used to check an edit before it is written). */
export function buildProject(root: string, files: ProjectFile[]): Project {
  const problems: EntryProblem[] = [];
  const jobs: JobDef[] = [];
  const schedules: ScheduleDef[] = [];
  const plugins: PluginDef[] = [];
  let main: Record<string, unknown> = {};
  for (const [i, file] of files.entries()) {
    const data = asRecord(file.data) ?? {};
    if (i === 0) main = data;
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
  checkUnique(jobs, 'job');
  checkUnique(schedules, 'schedule');
  const defaultEnvironment = typeof main.default_environment === 'string' ? main.default_environment : null;
  const projectId = typeof main.project_id === 'string' && main.project_id.trim() ? main.project_id.trim() : null;
  return {
    projectId,
    root,
    files,
    jobs,
    schedules,
    plugins,
    defaultEnvironment,
    problems,
  };
}

export function findJob(project: Project, name: string): JobDef | undefined {
  return project.jobs.find((j) => j.name === name);
}

export function findSchedule(project: Project, name: string): ScheduleDef | undefined {
  return project.schedules.find((s) => s.name === name);
}
