/**
 * What a run ran, recorded once when it starts (by the `resolveJob` activity, so it is in
 * the run's history, result and failure details): a hash of the project's configuration
 * as the worker loaded it (meltano.yml and every file it includes), the git commit and
 * whether the work tree differs from it, the `meltano` version, the pip_url and variant of
 * each plugin the tasks use, and the worker. Never a secret: no env values, no `.env`, and
 * credentials in a pip_url (`git+https://user:token@host/...`) are masked.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { hostname } from 'node:os';
import { execa } from 'execa';
import type { Project } from '../project/model.js';
import type { Provenance, ResolvedTask } from '../../workflows/types.js';
import { MASK } from './mask.js';
import { PACKAGE_ROOT } from '../util/paths.js';

/** This tool's version, from its package.json. */
export function toolVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** sha256 of each file's path and text, in path order (first 16 hex digits), and the paths. */
export function configHash(project: Pick<Project, 'files'>): { configHash: string; configFiles: string[] } {
  const files = [...project.files].sort((a, b) => a.relPath.localeCompare(b.relPath));
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.relPath}\0${f.text}\0`);
  return { configHash: hash.digest('hex').slice(0, 16), configFiles: files.map((f) => f.relPath) };
}

/** `scheme://user:secret@host` -> `scheme://***@host`, wherever it stands in a pip_url. */
export function withoutCredentials(pipUrl: string): string {
  return pipUrl.replace(/(\/\/)[^/@\s]+@/gu, `$1${MASK}@`);
}

type RawPlugin = { name?: unknown; pip_url?: unknown; variant?: unknown; inherit_from?: unknown };

/** Every plugin entry of the project's files, by name (meltano.yml's `plugins: {type: [...]}`). */
function rawPlugins(project: Pick<Project, 'files'>): Map<string, RawPlugin> {
  const out = new Map<string, RawPlugin>();
  for (const file of project.files) {
    const plugins = (file.data as { plugins?: Record<string, unknown> } | null)?.plugins;
    if (!plugins || typeof plugins !== 'object') continue;
    for (const list of Object.values(plugins)) {
      if (!Array.isArray(list)) continue;
      for (const p of list as RawPlugin[]) if (p && typeof p.name === 'string') out.set(p.name, p);
    }
  }
  return out;
}

/** The plugins a run's tasks name (`tap-x`, `dbt:run` -> `dbt`), with the pip_url and variant they or their parent set. */
export function usedPlugins(project: Pick<Project, 'files'>, tasks: readonly ResolvedTask[]): Provenance['plugins'] {
  const raw = rawPlugins(project);
  const names = [
    ...new Set(tasks.flatMap((t) => t.args.filter((a) => !a.startsWith('-')).map((a) => a.split(':')[0] ?? a))),
  ];
  return names.flatMap((name) => {
    let entry = raw.get(name);
    if (!entry) return [];
    const own = entry;
    // An inheriting plugin installs its parent's package unless it names its own.
    for (let depth = 0; depth < 5 && entry.pip_url === undefined && typeof entry.inherit_from === 'string'; depth++)
      entry = raw.get(entry.inherit_from) ?? entry;
    const pipUrl = typeof entry.pip_url === 'string' ? withoutCredentials(entry.pip_url) : undefined;
    const variant =
      typeof own.variant === 'string' ? own.variant : typeof entry.variant === 'string' ? entry.variant : undefined;
    return [{ name, ...(pipUrl ? { pipUrl } : {}), ...(variant ? { variant } : {}) }];
  });
}

/** Whether git could find a repository for `root`: a `.git` in it or a folder above, or GIT_DIR set. */
function mayBeInRepository(root: string): boolean {
  if (process.env.GIT_DIR) return true;
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

/**
 * The commit of the repository the project is in, and whether its tracked files differ; undefined outside one
 * or before its first commit. This runs before every run's first task, so it costs one `git` process at most
 * (the commit comes with the status, `--branch`) and none outside a repository: a process started from the
 * worker costs a few milliseconds (bench/RESULTS.md, issue 27).
 */
export async function gitState(root: string): Promise<Provenance['git']> {
  if (!mayBeInRepository(root)) return undefined;
  // Tracked files only: a run's own output (`.meltano/`, logs) must not make every project dirty;
  // an include not yet committed still changes configHash.
  const status = await execa('git', ['-C', root, 'status', '--porcelain=v2', '--branch', '--untracked-files=no'], {
    reject: false,
    timeout: 20_000,
  });
  if (status.exitCode !== 0) return undefined;
  const lines = String(status.stdout).split('\n').filter(Boolean);
  const commit = lines.find((l) => l.startsWith('# branch.oid '))?.slice('# branch.oid '.length);
  if (!commit || commit === '(initial)') return undefined;
  return { commit, dirty: lines.some((l) => !l.startsWith('#')) };
}

const meltanoVersions = new Map<string, string | undefined>();

/**
 * The version of the `meltano` package installed beside the executable, read from its
 * metadata (`meltano, version 4.4.1`, as `meltano --version` prints it): the executable's
 * shebang names its virtualenv's Python, whose site-packages hold `meltano-X.dist-info`.
 * Read, not run: `meltano --version` would start Python (a second or more) at the first
 * run of every worker, and a wrapper script would take it for a task. Unknown (absent
 * from the record) for an executable that is not a Python entry point of a virtualenv.
 * Cached per executable and modification time: a new install is seen at the next run.
 */
export function meltanoVersion(meltano: string): string | undefined {
  let real: string;
  let key: string;
  try {
    real = realpathSync(meltano);
    key = `${real}@${statSync(real).mtimeMs}`;
  } catch {
    return undefined; // not a path: nothing to read
  }
  if (!meltanoVersions.has(key)) meltanoVersions.set(key, installedVersion(real));
  return meltanoVersions.get(key);
}

function installedVersion(executable: string): string | undefined {
  try {
    const shebang = /^#!(\S+)/u.exec(readFileSync(executable, 'utf8').slice(0, 512))?.[1];
    if (!shebang || !path.isAbsolute(shebang)) return undefined;
    const lib = path.join(path.dirname(path.dirname(shebang)), 'lib');
    for (const python of readdirSync(lib).filter((d) => d.startsWith('python'))) {
      const site = path.join(lib, python, 'site-packages');
      const info = readdirSync(site).find((d) => /^meltano-[^-]+\.dist-info$/u.test(d));
      if (!info) continue;
      const version = /^Version: (\S+)$/mu.exec(readFileSync(path.join(site, info, 'METADATA'), 'utf8'))?.[1];
      if (version) return `meltano, version ${version}`;
    }
  } catch {
    // not a virtualenv's entry point, or unreadable: unknown
  }
  return undefined;
}

/** The whole record for a run of `tasks` in `project`. */
export async function runProvenance(
  project: Pick<Project, 'root' | 'files'>,
  tasks: readonly ResolvedTask[],
  worker: { meltano?: string; version?: string },
): Promise<Provenance> {
  const git = await gitState(project.root);
  const version = worker.meltano ? meltanoVersion(worker.meltano) : undefined;
  return {
    ...configHash(project),
    ...(git ? { git } : {}),
    ...(version ? { meltanoVersion: version } : {}),
    plugins: usedPlugins(project, tasks),
    // The SDK's own default worker identity.
    worker: { identity: `${process.pid}@${hostname()}`, version: worker.version ?? toolVersion() },
  };
}
