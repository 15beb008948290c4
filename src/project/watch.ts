/**
 * Watch every file a project loads — meltano.yml, the files its
 * `include_paths` match (in whatever sub-folder of the root) and `.env` —
 * and report the project as reloaded when any of them changed. Folders are
 * watched, not files, because editors and our own edits replace a file by
 * renaming a new one over it. The folders watched are those holding the
 * loaded files plus those where a new file matching an `include_paths`
 * pattern could appear (for a pattern with wildcards in its folders, every
 * folder below its fixed part); the set is worked out again after each
 * change, so files and folders created later are seen too.
 */
import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { isInside } from './root.js';
import { loadProject } from './load.js';
import type { Project } from './model.js';

export interface ProjectWatcher {
  close(): void;
  /** The folders watched now (absolute), for diagnostics and tests. */
  folders(): string[];
}

export interface WatchOptions {
  /** Files of the project changed (`changed`: paths relative to the root): `next` is the project as it now loads. */
  onChange: (next: Project, changed: string[]) => Promise<void>;
  /** The project no longer loads (the last good state stays in use). */
  onError: (err: unknown) => void;
  /** Quiet time before reloading after a burst of events. */
  debounceMs?: number;
}

/** Folders never searched for included files: Meltano's own state, version control, dependencies. */
const SKIPPED_FOLDERS = new Set(['.meltano', '.git', 'node_modules', '.venv', 'venv', '__pycache__']);
/** Bound on folders watched for one project, so a pattern such as `**` on a huge tree stays cheap. */
const MAX_FOLDERS = 2000;
const GLOB_MAGIC = /[*?[\]{}()!+@]/u;

/** What each reload compares: every loaded file's text by its path relative to the root, and `.env`'s values. */
function fingerprint(project: Project): Map<string, string> {
  const texts = new Map(project.files.map((f) => [f.relPath, f.text]));
  texts.set('.env', JSON.stringify(project.dotenv));
  return texts;
}

/** Files added, removed or changed between two fingerprints. */
function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

function includePatterns(project: Project): string[] {
  const main = project.files.find((f) => f.relPath === 'meltano.yml') ?? project.files[0];
  const data = main?.data as { include_paths?: unknown } | undefined;
  const patterns = data?.include_paths;
  return Array.isArray(patterns) ? patterns.filter((p): p is string => typeof p === 'string') : [];
}

function isFolder(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** `dir` and every folder below it (not following links, skipping SKIPPED_FOLDERS), up to `room` folders. */
function foldersBelow(dir: string, room: number): string[] {
  const out: string[] = [];
  const queue = [dir];
  while (queue.length && out.length < room) {
    const current = queue.shift() as string;
    out.push(current);
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries)
      if (e.isDirectory() && !SKIPPED_FOLDERS.has(e.name)) queue.push(path.join(current, e.name));
  }
  return out;
}

/** The folders to watch for `project`: see the module comment. */
export function foldersToWatch(project: Project): string[] {
  const root = project.root;
  const folders = new Set<string>([root]);
  for (const f of project.files) folders.add(path.dirname(f.path));
  for (const pattern of includePatterns(project)) {
    const segments = path
      .normalize(pattern)
      .split(/[\\/]/u)
      .filter((s) => s !== '' && s !== '.');
    const fixed: string[] = [];
    while (fixed.length < segments.length - 1 && !GLOB_MAGIC.test(segments[fixed.length] as string))
      fixed.push(segments[fixed.length] as string);
    const fixedDir = path.resolve(root, ...fixed);
    if (!isInside(fixedDir, root)) continue;
    let base = fixedDir;
    while (!isFolder(base) && base !== root) base = path.dirname(base);
    // A folder that does not exist yet: watch the nearest one that does, to see it created.
    if (base !== fixedDir) folders.add(base);
    else if (segments.length - fixed.length > 1)
      for (const d of foldersBelow(base, MAX_FOLDERS - folders.size)) folders.add(d);
    else folders.add(base);
  }
  return [...folders].slice(0, MAX_FOLDERS);
}

/** Watch `project` until closed; changes are reported through `options` (never concurrently). */
export function watchProject(project: Project, options: WatchOptions): ProjectWatcher {
  const debounceMs = options.debounceMs ?? 500;
  const watchers = new Map<string, FSWatcher>();
  let current = project;
  let last = fingerprint(project);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let running: Promise<void> = Promise.resolve();

  const schedule = (): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(reload);
    }, debounceMs);
  };

  /** Returns whether a folder was added. */
  const rewatch = (): boolean => {
    let added = false;
    const wanted = new Set(foldersToWatch(current));
    for (const [dir, w] of watchers)
      if (!wanted.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    for (const dir of wanted) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, { recursive: false }, schedule);
        // A watched folder that is removed ends its watcher; the next reload works the set out again.
        w.on('error', () => {
          w.close();
          watchers.delete(dir);
          schedule();
        });
        watchers.set(dir, w);
        added = true;
      } catch {
        // Gone between listing and watching: the event that removed it already scheduled a reload.
      }
    }
    return added;
  };

  const reload = async (): Promise<void> => {
    if (closed) return;
    try {
      const next = loadProject({ root: project.root });
      const texts = fingerprint(next);
      current = next;
      const changed = changedFiles(last, texts);
      if (changed.length) {
        last = texts;
        await options.onChange(next, changed);
      }
    } catch (err) {
      options.onError(err);
    }
    // A folder watched only now may have got its files before its watcher: look once more.
    if (!closed && rewatch()) schedule();
  };

  rewatch();
  return {
    close(): void {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
    folders: () => [...watchers.keys()],
  };
}
