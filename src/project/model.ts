/** The parts of a Meltano project this tool reads, as plain data, and the lookups by name. */
import type { ProjectSettings } from './settings.js';
import type { TasksValue } from './tasks.js';
import type { PyFloat, PyInt } from './python-format.js';

/** One YAML file of the project: `meltano.yml` or a file matched by `include_paths`. */
export interface ProjectFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the project root, as shown to users. */
  relPath: string;
  /** Exact text as read; edits splice into it so untouched bytes survive. */
  text: string;
  /** The parsed data (plain JSON-like values). */
  data: unknown;
}

export interface JobDef {
  name: string;
  tasks: TasksValue;
  /** As written (free-form; this tool reads `annotations.temporal.pool` and `stall_timeout`). */
  annotations?: Record<string, unknown>;
  /** Relative path of the file that defines it. */
  file: string;
  /** Index of the entry in that file's `jobs` list. */
  index: number;
}

interface ScheduleBase {
  name: string;
  /** As written; for an `intervalScalar`, Python's str() of it (`42`, `1.5`, `True`), as Meltano prints it. */
  interval: string | null;
  /**
   * The interval when YAML gave a number or a boolean (`interval: 42`, unquoted): Meltano loads and lists
   * such a schedule (`[42]`, `"interval": 42`), so this tool does too; no cron can be made of it, so sync
   * refuses it (schedule-mapping.ts).
   */
  intervalScalar?: number | boolean | PyFloat | PyInt;
  /** As written in YAML (values are usually strings; Meltano passes them verbatim). */
  env: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  file: string;
  index: number;
}

export interface JobSchedule extends ScheduleBase {
  kind: 'job';
  job: string;
}

export type Transform = 'run' | 'skip' | 'only';

export interface EltSchedule extends ScheduleBase {
  kind: 'elt';
  extractor: string;
  loader: string;
  transform: Transform;
}

export type ScheduleDef = JobSchedule | EltSchedule;

export type PluginType =
  | 'extractors'
  | 'loaders'
  | 'transforms'
  | 'models'
  | 'dashboards'
  | 'orchestrators'
  | 'transformers'
  | 'files'
  | 'utilities'
  | 'mappers';

export interface PluginDef {
  name: string;
  type: PluginType | string;
  /** Names of `mappings` of a mapper: each is a block name of its own. */
  mappings: string[];
}

/** A problem with one entry that does not stop the rest of the project from loading. */
export interface EntryProblem {
  file: string;
  kind: 'job' | 'schedule';
  /** The entry's name, or `#<n>` when it has none. */
  name: string;
  /** `job 'x': <reason>`, as shown after the file name. */
  message: string;
  /** What is wrong, without the entry's name. */
  reason?: string;
  /** How to repair it. */
  fix?: string;
  /** Index of the entry in that file's `jobs` or `schedules` list. */
  index?: number;
  /** The entry has a real name (so edits can find it, and it counts for duplicate names). */
  named?: boolean;
}

export interface Project {
  root: string;
  files: ProjectFile[];
  jobs: JobDef[];
  schedules: ScheduleDef[];
  plugins: PluginDef[];
  /** `project_id` from meltano.yml (Meltano writes a UUID per project at `meltano init`, and restores one into a project without it on its second command), else null. */
  projectId: string | null;
  defaultEnvironment: string | null;
  /** Entries that could not be read; reported, the rest still usable. */
  problems: EntryProblem[];
  /** Values of the project's `.env` (read as Meltano reads it). */
  dotenv: Record<string, string>;
  /**
   * Meltano's settings as resolved with the environment variables the project
   * was loaded with: the environment runs use, project_readonly, the system
   * database. Recompute with other variables through ./settings.js.
   */
  settings: ProjectSettings;
}

/** The job of this name, if the project has one. */
export function findJob(project: Project, name: string): JobDef | undefined {
  return project.jobs.find((j) => j.name === name);
}

/** The schedule of this name, if the project has one. */
export function findSchedule(project: Project, name: string): ScheduleDef | undefined {
  return project.schedules.find((s) => s.name === name);
}
