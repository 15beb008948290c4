/**
 * Loads a Meltano project the way Meltano does: find its root (root.ts),
 * read meltano.yml and its include_paths files (files.ts) and .env, and build
 * the model (build.ts). Structural problems (YAML syntax, a bad include path,
 * the same name defined twice) stop the load with a message naming file and
 * entry; a problem inside one job or schedule is recorded in `problems` so
 * every other entry stays usable.
 */
import path from 'node:path';
import type { Project } from './model.js';
import { readDotEnv } from './dotenv.js';
import { findProjectRoot } from './root.js';
import { readProjectFiles } from './files.js';
import { buildProject } from './build.js';

export interface LoadOptions {
  root?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function loadProject(options: LoadOptions = {}): Project {
  const root = findProjectRoot(options.root, options.env ?? process.env, options.cwd ?? process.cwd());
  const files = readProjectFiles(root);
  const env = options.env ?? process.env;
  return buildProject(root, files, { env, dotenv: readDotEnv(path.join(root, '.env'), env) });
}
