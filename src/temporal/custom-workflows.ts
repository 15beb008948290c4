/**
 * Custom workflows on the worker side: which bundle a worker runs (ours and
 * the project's, or ours alone when the project's fail), and what `workflows
 * list` shows. Discovery itself is in src/project/custom-workflows.ts.
 */
import { loadProject } from '../project/load.js';
import { discoverWorkflows, workflowNames, type CustomWorkflows } from '../project/custom-workflows.js';
import { UserError } from '../errors.js';
import { bundleCustomWorkflows, problemText, type BundleProblem } from './custom-bundle.js';

interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The project's custom workflows (the folder chosen by `dir`, else meltano.yml, else the default). */
export function projectWorkflows(projectRoot: string, dir?: string): CustomWorkflows {
  return discoverWorkflows(loadProject({ root: projectRoot }), dir);
}

/**
 * The code of a bundle with the project's custom workflows, or undefined: none are there, or they
 * fail (each problem logged with its file and line), so the worker runs our own bundle and the
 * project's schedules still run. Never throws for the user's files.
 */
export async function customWorkflowCode(
  projectRoot: string,
  dir: string | undefined,
  log: Log,
): Promise<string | undefined> {
  let custom: CustomWorkflows;
  try {
    custom = projectWorkflows(projectRoot, dir);
  } catch (err) {
    log.error(`custom workflows not loaded: ${err instanceof UserError ? err.describe() : String(err)}`);
    return undefined;
  }
  if (!custom.files.length) return undefined;
  const started = Date.now();
  const bundle = await bundleCustomWorkflows(projectRoot, custom);
  if (bundle.problems) {
    for (const p of bundle.problems) log.error(`custom workflow: ${problemText(p)}`);
    log.warn(
      `custom workflows in ${custom.relDir} not loaded (${bundle.problems.length} problem${bundle.problems.length === 1 ? '' : 's'} above): this worker runs the project's job schedules only until they are fixed`,
    );
    return undefined;
  }
  const names = workflowNames(custom);
  log.info(
    `custom workflows: ${names.join(', ') || '(none exported)'} from ${custom.relDir} (bundled in ${((Date.now() - started) / 1000).toFixed(1)}s)`,
  );
  return bundle.code;
}

/** `workflows list`: the discovered workflows and, with `compile`, the problems a worker would report. */
export async function listWorkflows(
  projectRoot: string,
  dir: string | undefined,
  compile: boolean,
): Promise<{ custom: CustomWorkflows; problems?: BundleProblem[] }> {
  const custom = projectWorkflows(projectRoot, dir);
  if (!compile || !custom.files.length) return { custom };
  const bundle = await bundleCustomWorkflows(projectRoot, custom);
  return { custom, problems: bundle.problems ?? [] };
}
