/**
 * One edit of the project, all or nothing: under Meltano's lock, load the
 * files, compute the new text of each file the edit touches, check that the
 * whole project still loads, then replace the files all or none (temp files
 * in the same directories, fsync, renames; a failed rename puts back the
 * files already replaced; mode kept). Any refusal happens before the first
 * byte is written (only temp files a killed edit left behind are removed
 * first, see temp-files.ts).
 */
import {
  accessSync,
  closeSync,
  constants as fsConstants,
  existsSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { buildProject } from './build.js';
import { checkEditedAfterGraph } from './after-graph.js';
import { findProjectRoot, isInside, MELTANO_FILE } from './root.js';
import { loadProject, type LoadOptions } from './load.js';
import { parseProjectFile, resolveIncludePaths } from './files.js';
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
  throw new UserError('The requested action could not be completed: This Meltano project is deployed as read-only', {
    hint: `project_readonly is set by ${setting.origin}; unset it to edit meltano.yml`,
  });
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

/** One file an edit replaces: where, its new text, and its name in messages. */
interface FileWrite {
  target: string;
  text: string;
  shown: string;
}

/** A file's new text in a temp file next to it, and (when it may have to be put back) its original kept aside. */
interface StagedWrite {
  shown: string;
  real: string;
  tmp: string;
  /** A second name of the original (a hard link, else a copy); absent when nothing is to be put back. */
  backup?: string;
  /** The target did not exist: putting it back means removing it. */
  created: boolean;
}

/** The real path of `target`, refused when it resolves outside `root`. */
function realTarget(target: string, root: string | undefined): string {
  const real = existsSync(target) ? realpathSync(target) : target;
  if (root !== undefined && !isInside(real, realpathSync(root))) {
    throw new UserError(
      `Refusing to write ${path.relative(root, target) || target}: it resolves to ${real}, outside the project root ${realpathSync(root)}.`,
      { hint: 'make it a regular file, or a symlink to a file inside the project directory' },
    );
  }
  return real;
}

/** Create `file` (which must not exist) with `data`, flushed to the disk, with exactly `mode` (no umask). */
function writeNewFile(file: string, data: string | Buffer, mode: number): void {
  const fd = openSync(file, 'wx', mode);
  try {
    fchmodSync(fd, mode);
    // With a descriptor, writeFileSync writes all of it (writeSync may stop short).
    writeFileSync(fd, data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(file, { force: true });
    throw err;
  }
  closeSync(fd);
}

/**
 * Keep the original of `real` under a temp name next to it: a hard link (the
 * very same bytes, mode and owner), else a copy of its bytes and mode.
 */
function keepOriginal(real: string, mode: number): string {
  const backup = path.join(path.dirname(real), tempFileName(path.basename(real)));
  try {
    linkSync(real, backup);
  } catch {
    writeNewFile(backup, readFileSync(real), mode);
  }
  return backup;
}

/** Remove the temp files of staged writes; best effort (a leftover is removed by the next edit, see temp-files.ts). */
function discard(staged: readonly StagedWrite[]): void {
  for (const s of staged) {
    rmSync(s.tmp, { force: true });
    if (s.backup) rmSync(s.backup, { force: true });
  }
}

/**
 * Stage one file: its new text in a temp file, and with `keep` its original
 * kept aside. Nothing of the target changes here.
 */
function stage(w: FileWrite, root: string | undefined, keep: boolean): StagedWrite {
  const real = realTarget(w.target, root);
  const stat = statSync(real, { throwIfNoEntry: false });
  const mode = (stat?.mode ?? 0o644) & 0o7777;
  if (stat) refuseReadOnlyFile(w.shown, real, mode);
  const tmp = path.join(path.dirname(real), tempFileName(path.basename(real)));
  try {
    writeNewFile(tmp, w.text, mode);
  } catch (err) {
    throw writeError(w.shown, `cannot create the temp file ${tmp}`, err, 'create');
  }
  const staged: StagedWrite = { shown: w.shown, real, tmp, created: stat === undefined };
  if (keep && stat !== undefined) {
    try {
      staged.backup = keepOriginal(real, mode);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw writeError(w.shown, `cannot keep a copy of the original next to it`, err, 'create');
    }
  }
  return staged;
}

/**
 * A file its owner made read-only (`chmod 444`) is a decision not to edit it:
 * the rename would replace it regardless of its mode (Meltano 4.4.1 does, and
 * leaves it mode 0600), so it is refused before anything is written. No write
 * bit at all counts even for root, who may write anything.
 */
function refuseReadOnlyFile(shown: string, real: string, mode: number): void {
  let writable = (mode & 0o222) !== 0;
  if (writable) {
    try {
      accessSync(real, fsConstants.W_OK);
    } catch {
      writable = false;
    }
  }
  if (writable) return;
  const base = path.basename(shown);
  throw new UserError(
    `Cannot write ${shown}: the file is read-only (mode ${mode.toString(8).padStart(4, '0')}): permission denied.`,
    { hint: `make it writable to edit it (chmod u+w ${shown}), or edit as a user who may write ${base}` },
  );
}

/**
 * Put back the files already replaced, newest first: each original returns
 * under its own name (or a created file is removed). Returns the ones that
 * could not be put back, each with where its original is kept.
 */
function rollBack(done: readonly StagedWrite[]): string[] {
  const failed: string[] = [];
  for (const s of [...done].reverse()) {
    try {
      if (s.created) rmSync(s.real, { force: true });
      else if (s.backup) renameSync(s.backup, s.real);
      else throw new Error('no original kept');
    } catch (err) {
      failed.push(`${s.shown} (${(err as Error).message}${s.backup ? `; its original is kept in ${s.backup}` : ''})`);
      // Its original must survive the clean-up below.
      s.backup = undefined;
    }
  }
  return failed;
}

/**
 * Replace several files, all or nothing. Every new text is written to a temp
 * file next to its target first (and the original of each file but the last
 * kept aside under a second name); only then are the temp files renamed over
 * their targets, one by one. A rename that fails puts every file already
 * replaced back to its original, so each file ends byte for byte as it was,
 * and the error names the file that failed, why, and the fix. Permission bits
 * are kept; a symlink stays a symlink (the file it points to is replaced, by a
 * temp file in that file's own directory: a rename never crosses
 * directories). With `root`, a target that resolves outside it is refused.
 * @throws {UserError} a file could not be written; no file was changed
 */
export function replaceFilesAtomically(writes: readonly FileWrite[], root?: string): void {
  const staged: StagedWrite[] = [];
  try {
    // The last file is renamed last: if its rename fails nothing of it changed, so no copy of it is needed.
    writes.forEach((w, i) => staged.push(stage(w, root, i < writes.length - 1)));
  } catch (err) {
    discard(staged);
    throw err instanceof UserError && writes.length > 1 ? noFileChanged(err, []) : err;
  }
  const done: StagedWrite[] = [];
  for (const s of staged) {
    try {
      renameSync(s.tmp, s.real);
    } catch (err) {
      const failed = rollBack(done);
      discard(staged);
      const error = writeError(s.shown, `cannot rename the temp file over ${s.real}`, err, 'rename');
      if (failed.length === 0) throw writes.length > 1 ? noFileChanged(error, done) : error;
      throw new UserError(
        `${error.message} The files already replaced could not all be put back: ${failed.join(', ')}.`,
        {
          cause: error.cause,
          hint: `restore ${failed.length === 1 ? 'that file' : 'those files'} from the kept original${failed.length === 1 ? '' : 's'}; then: ${error.hint ?? 'retry'}`,
        },
      );
    }
    done.push(s);
  }
  discard(staged);
}

/** The message of a multi-file edit that failed and changed nothing. */
function noFileChanged(err: UserError, restored: readonly StagedWrite[]): UserError {
  const back = restored.length
    ? ` (${restored.map((s) => s.shown).join(', ')} put back as ${restored.length === 1 ? 'it was' : 'they were'})`
    : '';
  return new UserError(`${err.message} No file was changed${back}.`, {
    exitCode: err.exitCode,
    hint: err.hint,
    cause: err.cause,
  });
}

/** Write `text` to `target` atomically (temp file, fsync, rename), keeping the target's permission bits. */
export function writeFileAtomic(target: string, text: string, root?: string): void {
  const shown = root !== undefined ? path.relative(root, target) || target : target;
  replaceFilesAtomically([{ target, text, shown }], root);
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

/**
 * A failed write as a message: the file, the step, the system's reason, and
 * the fix. `create`: a temp file next to the file; `rename`: the temp file
 * over the file (in a sticky directory only the file's owner may).
 */
function writeError(file: string, step: string, err: unknown, kind: 'create' | 'rename'): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  const denied = code === 'EACCES' || code === 'EPERM';
  const reason = denied
    ? 'permission denied'
    : code === 'ENOSPC'
      ? 'no space left on the device'
      : code === 'EROFS'
        ? 'read-only file system'
        : (err as Error).message;
  const base = path.basename(file);
  return new UserError(`Cannot write ${file}: ${step}: ${reason}.`, {
    cause: err,
    hint: !denied
      ? 'free the space or make the file system writable, then retry'
      : kind === 'create'
        ? `edits write a temp file next to ${base}, then rename it: run as a user who may write that directory`
        : `edits rename a temp file over ${base}: run as a user who may replace it (write its directory; in a sticky directory, own ${base})`,
  });
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
    // An edit of the schedules never leaves an `after` graph that sync would refuse.
    if (edits.some((e) => e.edit.key === 'schedules')) checkEditedAfterGraph(edited);
    if (newTexts.size) await hooks.beforeWrite?.(edited);
    // All files or none: see replaceFilesAtomically.
    replaceFilesAtomically(
      [...newTexts].map(([file, text]) => ({ target: path.join(project.root, file), text, shown: file })),
      project.root,
    );
    return result;
  } finally {
    await lock.release();
  }
}
