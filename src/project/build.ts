/**
 * The project model from already read files: jobs, schedules and plugins,
 * with a problem recorded per unusable entry (every other entry stays usable),
 * names unique across files, and the top-level settings merged as Meltano
 * merges them. Reads no file: files.ts reads, load.ts puts the two together.
 */
import { ProjectFileError } from '../errors.js';
import type { EntryProblem, JobDef, PluginDef, Project, ProjectFile, ScheduleDef, Transform } from './model.js';
import { describeType, emptyTaskProblem, tasksShapeProblem, type TasksValue } from './tasks.js';
import { mergedTopLevel, projectSettings } from './settings.js';
import { PyFloat, PyInt, pyRepr } from './python-format.js';

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
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
  const annotations = asRecord(entry.annotations);
  return { name, tasks: entry.tasks as TasksValue, ...(annotations ? { annotations } : {}), file: file.relPath, index };
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

/** What a project's settings are resolved with, besides its files. */
export interface BuildContext {
  /** Environment variables (default: the process's). */
  env?: NodeJS.ProcessEnv;
  /** Values of the project's `.env` (read by the caller: building reads no file; default none). */
  dotenv?: Record<string, string>;
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
  const dotenv = context.dotenv ?? {};
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
