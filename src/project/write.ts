/**
 * One edit of the project, all or nothing: under Meltano's lock, load the
 * files, compute the new text of the one file that holds the entry, check
 * that the whole project still loads, then replace the file atomically
 * (temp file in the same directory, fsync, rename; mode kept). Any refusal
 * happens before the first byte is written (only temp files a killed edit
 * left behind are removed first, see temp-files.ts).
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { UserError } from './errors.js';
import {
  buildProject,
  findProjectRoot,
  isInside,
  loadProject,
  MELTANO_FILE,
  parseProjectFile,
  resolveIncludePaths,
  type LoadOptions,
} from './load.js';
import { readDotEnv } from './dotenv.js';
import { projectReadonly, type SettingValue } from './settings.js';
import { removeStaleTempFiles, tempFileName } from './temp-files.js';
import type { Project } from './model.js';
import { acquireProjectLock } from './lock.js';
import { editYamlText, type YamlEdit } from './yaml-splice.js';

const TRUTHY = new Set(['true', '1', 'yes', 'on']);

/** MELTANO_PROJECT_READONLY alone; the project's own setting (.env, meltano.yml) is `project.settings.projectReadonly`. */
export function isProjectReadonly(env: NodeJS.ProcessEnv = process.env): boolean {
  return TRUTHY.has(String(env.MELTANO_PROJECT_READONLY ?? 'false').toLowerCase());
}

/** Meltano's refusal, and where the setting comes from. */
function refuseReadonly(setting: SettingValue<boolean>): void {
  if (!setting.value) return;
  throw new UserError(
    'The requested action could not be completed: This Meltano project is deployed as read-only',
    1,
    `project_readonly is set by ${setting.origin}; unset it to edit meltano.yml`,
  );
}

/**
 * project_readonly from the files that can be read without the lock:
 * meltano.yml, the included files that parse, and .env.
 */
function readonlyBeforeLoad(root: string, env: NodeJS.ProcessEnv): SettingValue<boolean> {
  const main = parseProjectFile(path.join(root, MELTANO_FILE), root);
  const files = [main];
  try {
    for (const file of resolveIncludePaths(root, main)) {
      try {
        files.push(parseProjectFile(file, root));
      } catch {
        // The full load under the lock reports it.
      }
    }
  } catch {
    // Likewise.
  }
  return projectReadonly({ root, files, dotenv: readDotEnv(path.join(root, '.env'), env) }, env);
}

export interface FileEdit {
  /** Path relative to the project root, as in `Project.files[].relPath`. */
  file: string;
  edit: YamlEdit;
}

export interface EditPlan<T> {
  edits: FileEdit[];
  result: T;
}

/**
 * Write `text` to `target` atomically, keeping the target's permission bits.
 * A symlink stays a symlink: the file it points to is replaced, by a temp
 * file in that file's own directory (a rename never crosses directories).
 * With `root`, a target that resolves outside it is refused.
 */
export function writeFileAtomic(target: string, text: string, root?: string): void {
  const real = existsSync(target) ? realpathSync(target) : target;
  if (root !== undefined && !isInside(real, realpathSync(root))) {
    throw new UserError(
      `Refusing to write ${path.relative(root, target) || target}: it resolves to ${real}, outside the project root ${realpathSync(root)}.`,
      1,
      'make it a regular file, or a symlink to a file inside the project directory',
    );
  }
  const mode = statSync(real, { throwIfNoEntry: false })?.mode ?? 0o644;
  const tmp = path.join(path.dirname(real), tempFileName(path.basename(real)));
  const shown = root !== undefined ? path.relative(root, target) || target : target;
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', mode & 0o7777);
  } catch (err) {
    throw writeError(shown, `cannot create the temp file ${tmp}`, err);
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw writeError(shown, `cannot write the temp file ${tmp}`, err);
  }
  closeSync(fd);
  try {
    renameSync(tmp, real);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw writeError(shown, `cannot rename the temp file over ${real}`, err);
  }
}

export interface EditHooks {
  /**
   * Runs once the edit is planned and the edited project validated, just
   * before the first byte is written (still under the lock), with the project
   * as it will be; throwing refuses the edit. For checks that must pass for the edit to be useful, such as a
   * server that is to receive the edited schedule.
   */
  beforeWrite?: (edited: Project) => Promise<void>;
}

/** A failed write as a message: the file, the step, the system's reason, and the fix. */
function writeError(file: string, step: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOSPC'
        ? 'no space left on the device'
        : code === 'EROFS'
          ? 'read-only file system'
          : (err as Error).message;
  return new UserError(
    `Cannot write ${file}: ${step}: ${reason}.`,
    1,
    code === 'EACCES' || code === 'EPERM'
      ? `edits write a temp file next to ${path.basename(file)}, then rename it: run as a user who may write that directory`
      : 'free the space or make the file system writable, then retry',
  );
}

/**
 * Run `plan` against the freshly loaded project and apply its edits.
 * `plan` (or `hooks.beforeWrite`) throws a UserError to refuse; then nothing is written.
 */
export async function editProject<T>(
  options: LoadOptions,
  plan: (project: Project) => EditPlan<T>,
  hooks: EditHooks = {},
): Promise<T> {
  const env = options.env ?? process.env;
  const root = findProjectRoot(options.root, env, options.cwd ?? process.cwd());
  // Refused before the lock is taken: a read-only project is not touched at all.
  refuseReadonly(readonlyBeforeLoad(root, env));
  const lock = await acquireProjectLock(root, undefined, env);
  try {
    // Under the lock no live edit owns a temp file of ours: any left is from a killed edit.
    removeStaleTempFiles(root);
    // Load under the lock: another writer may have finished meanwhile.
    const project = loadProject({ ...options, root });
    refuseReadonly(project.settings.projectReadonly);
    const { edits, result } = plan(project);
    const newTexts = new Map<string, string>();
    for (const { file, edit } of edits) {
      const current = newTexts.get(file) ?? project.files.find((f) => f.relPath === file)?.text;
      if (current === undefined) throw new Error(`internal: ${file} is not a project file`);
      newTexts.set(file, editYamlText(current, edit));
    }
    // The edited project must load cleanly before anything is written.
    const files = project.files.map((f) =>
      newTexts.has(f.relPath) ? parseProjectFile(f.path, project.root, newTexts.get(f.relPath)) : f,
    );
    const edited = buildProject(project.root, files, { env, dotenv: project.dotenv });
    if (newTexts.size) await hooks.beforeWrite?.(edited);
    for (const [file, text] of newTexts) writeFileAtomic(path.join(project.root, file), text, project.root);
    return result;
  } finally {
    await lock.release();
  }
}
