/**
 * Reading a project's YAML files as Meltano reads them: meltano.yml (inside
 * the project), then every file its `include_paths` globs match, each parsed
 * once (or taken from the parse cache) and checked to be a mapping. Errors
 * name file, line and column; nothing here builds the model (build.ts).
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { load as loadYaml, YAMLException } from 'js-yaml';
import { globSync } from 'tinyglobby';
import { ProjectFileError } from '../errors.js';
import type { ProjectFile } from './model.js';
import { describeType } from './tasks.js';
import { boxedCount, MELTANO_YAML_SCHEMA, plainExceptScheduleEnv, plainValues } from './yaml-values.js';
import { readParsed, writeParsed } from './parse-cache.js';
import { isInside, MELTANO_FILE } from './root.js';

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

/** The files matched by `include_paths`, in pattern order, each once, never meltano.yml itself. */
export function resolveIncludePaths(root: string, meltanoFile: ProjectFile): string[] {
  const data =
    meltanoFile.data !== null && typeof meltanoFile.data === 'object'
      ? (meltanoFile.data as Record<string, unknown>)
      : {};
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

/** meltano.yml and the files it includes, in the order Meltano merges them. */
export function readProjectFiles(root: string): ProjectFile[] {
  const meltanoPath = path.join(root, MELTANO_FILE);
  checkMeltanoFileInside(root, meltanoPath);
  const main = parseProjectFile(meltanoPath, root);
  return [main, ...resolveIncludePaths(root, main).map((p) => parseProjectFile(p, root))];
}
