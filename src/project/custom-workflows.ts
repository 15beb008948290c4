/**
 * Custom workflows of a Meltano project: the `.ts` and `.js` files directly
 * in its workflows folder (`orchestrate/workflows/`, or meltano.yml's
 * `annotations.temporal.workflows_dir`, or a flag), and the workflow names
 * each exports. The counterpart of Airflow's `orchestrate/dags`.
 *
 * The names are read from the source text, not by compiling it, so `sync`
 * and `workflows list` know them in milliseconds; the worker's bundle is the
 * final word (a file that fails to compile is reported there, with its line).
 * A workflow is a top-level `export async function NAME`, `export function
 * NAME`, `export const NAME = (async) (...) =>` or a name in `export { ... }`;
 * files in subfolders are helpers the workflow files may import.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ProjectFileError } from '../errors.js';
import type { Project } from './model.js';
import { AFTER_WORKFLOW_TYPE, POOL_WORKFLOW_TYPE, WORKFLOW_TYPE } from '../../workflows/contract.js';

/** Where workflows live unless meltano.yml or a flag says otherwise (beside Airflow's orchestrate/dags). */
export const DEFAULT_WORKFLOWS_DIR = path.join('orchestrate', 'workflows');

/** Our own job workflow's type: no custom workflow may take it. */
const RESERVED = new Set<string>([WORKFLOW_TYPE, POOL_WORKFLOW_TYPE, AFTER_WORKFLOW_TYPE]);

export interface CustomWorkflow {
  /** The exported function's name: the workflow type schedules name. */
  name: string;
  /** 1-based line of the export. */
  line: number;
}

export interface CustomWorkflowFile {
  path: string;
  /** Relative to the project root, as shown to users. */
  relPath: string;
  workflows: CustomWorkflow[];
}

export interface CustomWorkflows {
  /** Absolute folder (it may not exist). */
  dir: string;
  relDir: string;
  /** Where the folder was chosen: the default, meltano.yml's annotation, or the flag. */
  source: 'default' | 'meltano.yml' | 'flag';
  files: CustomWorkflowFile[];
}

/** `annotations.temporal.workflows_dir` at the top of meltano.yml, if set. */
function annotatedDir(project: Pick<Project, 'files'>): string | undefined {
  const main = project.files.find((f) => f.relPath === 'meltano.yml') ?? project.files[0];
  const data = (main?.data ?? {}) as { annotations?: { temporal?: { workflows_dir?: unknown } } };
  const value = data.annotations?.temporal?.workflows_dir;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !value.trim())
    throw new ProjectFileError(
      main?.relPath ?? 'meltano.yml',
      'annotations.temporal.workflows_dir',
      'must be a folder path',
      {
        hint: 'write annotations: {temporal: {workflows_dir: orchestrate/workflows}} at the top of meltano.yml',
      },
    );
  return value.trim();
}

/** Comments and string contents blanked (newlines kept), so the export scan sees code only and lines still count. */
function codeOnly(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/gu, (m) =>
    m.replace(/[^\n]/gu, ' '),
  );
}

const lineAt = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** The workflow names a file exports (see the module comment for the forms). */
export function exportedWorkflows(text: string): CustomWorkflow[] {
  const code = codeOnly(text);
  const found: CustomWorkflow[] = [];
  const forms = [
    /^export\s+(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/gmu,
    /^export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\b|function\b|\(|[A-Za-z_$][\w$]*\s*=>)/gmu,
  ];
  for (const form of forms) {
    for (const m of code.matchAll(form)) found.push({ name: m[1] as string, line: lineAt(code, m.index) });
  }
  // `export { a, b as c }` (not `export { x } from '...'`, whose names come from elsewhere: re-export them by name).
  for (const m of code.matchAll(/^export\s*(?:type\s+)?\{([^}]*)\}(?!\s*from)/gmu)) {
    if (/^export\s+type/u.test(m[0])) continue;
    for (const part of (m[1] ?? '').split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/u)
        .pop()
        ?.trim();
      if (name && /^[A-Za-z_$][\w$]*$/u.test(name) && name !== 'default')
        found.push({ name, line: lineAt(code, m.index) });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/** The workflows folder: the flag, else meltano.yml's annotation, else the default. */
export function workflowsFolder(
  project: Pick<Project, 'root' | 'files'>,
  flag?: string,
): Omit<CustomWorkflows, 'files'> {
  const annotated = flag ? undefined : annotatedDir(project);
  const dir = path.resolve(project.root, flag ?? annotated ?? DEFAULT_WORKFLOWS_DIR);
  return {
    dir,
    relDir: path.relative(project.root, dir) || '.',
    source: flag ? 'flag' : annotated ? 'meltano.yml' : 'default',
  };
}

/**
 * The project's custom workflows: the folder (flag, else meltano.yml, else the default) and each file's names.
 * @throws {ProjectFileError} a name is exported twice, or takes the name of our own workflow
 */
export function discoverWorkflows(project: Pick<Project, 'root' | 'files'>, flag?: string): CustomWorkflows {
  const { dir, relDir, source } = workflowsFolder(project, flag);
  let names: string[] = [];
  try {
    if (statSync(dir).isDirectory()) names = readdirSync(dir);
  } catch {
    names = [];
  }
  const files: CustomWorkflowFile[] = names
    .filter((n) => /\.(ts|js)$/u.test(n) && !n.endsWith('.d.ts'))
    .sort()
    .map((n) => {
      const file = path.join(dir, n);
      return {
        path: file,
        relPath: path.relative(project.root, file),
        workflows: exportedWorkflows(readFileSync(file, 'utf8')),
      };
    });
  const seen = new Map<string, string>();
  for (const f of files) {
    for (const w of f.workflows) {
      if (RESERVED.has(w.name))
        throw new ProjectFileError(
          `${f.relPath}:${w.line}`,
          `workflow '${w.name}'`,
          "is the name of meltano-temporal's own job workflow",
          {
            hint: 'give the exported function another name',
          },
        );
      const other = seen.get(w.name);
      if (other)
        throw new ProjectFileError(
          `${f.relPath}:${w.line}`,
          `workflow '${w.name}'`,
          `is also exported by ${other}; a workflow type names one function`,
          {
            hint: 'rename one of them (the name is the workflow type schedules start)',
          },
        );
      seen.set(w.name, `${f.relPath}:${w.line}`);
    }
  }
  return { dir, relDir, source, files };
}

/** Every discovered workflow name, in file order. */
export function workflowNames(custom: CustomWorkflows): string[] {
  return custom.files.flatMap((f) => f.workflows.map((w) => w.name));
}

/** Discovery once per loaded project (sync checks every schedule against the same folder). */
const discovered = new WeakMap<object, CustomWorkflows>();

/**
 * A schedule's `annotations.temporal.workflow` names a discovered workflow (meltano.yml's folder, else the default).
 * @throws {ProjectFileError} no file of the folder exports that name
 */
export function requireCustomWorkflow(
  project: Pick<Project, 'root' | 'files'>,
  schedule: { name: string; file: string },
  name: string,
): void {
  let custom = discovered.get(project);
  if (!custom) {
    custom = discoverWorkflows(project);
    discovered.set(project, custom);
  }
  const names = workflowNames(custom);
  if (names.includes(name)) return;
  throw new ProjectFileError(
    schedule.file,
    `schedule '${schedule.name}' annotations.temporal.workflow`,
    `names '${name}', which no .ts or .js file in ${custom.relDir}/ exports${names.length ? ` (found: ${names.join(', ')})` : custom.files.length ? '' : ' (the folder has no workflow files)'}`,
    {
      hint: `export it from a file there (export async function ${name}() {...}), or name one that exists; \`meltano-temporal workflows list\` shows them`,
    },
  );
}
