/**
 * The workflow bundle of a project with custom workflows: our job workflow
 * plus every file of its workflows folder, built with the SDK's bundler
 * (webpack; `.ts` compiled by its swc loader) at worker start. Problems come
 * back as file, line and message: a file that does not compile, an import
 * that cannot be found, a Node module the sandbox forbids. The caller then
 * runs our prebuilt bundle alone, so the project's own schedules keep running.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../util/paths.js';
import type { CustomWorkflows } from '../project/custom-workflows.js';
import { workerSdk } from './sdk.js';

/** One problem, located. */
export interface BundleProblem {
  /** Relative to the project root when inside it. */
  file: string;
  line?: number;
  message: string;
}

export type CustomBundle = { code: string; problems?: undefined } | { code?: undefined; problems: BundleProblem[] };

/** Our compiled workflow code the bundle starts from (shipped in the npm package and the wheel). */
const OWN_WORKFLOWS = path.join(PACKAGE_ROOT, 'dist', 'workflows', 'index.js');
/** What `import ... from 'meltano-temporal/workflow'` resolves to in a user's file. */
export const AUTHOR_MODULE = path.join(PACKAGE_ROOT, 'dist', 'workflows', 'author.js');
const INTERCEPTORS = path.join(PACKAGE_ROOT, 'dist', 'workflows', 'custom', 'interceptors.js');

/** The folder of an installed package, resolved from ours (the user's project has no node_modules of its own). */
function packageDir(name: string): string {
  const require = createRequire(path.join(PACKAGE_ROOT, 'package.json'));
  return path.dirname(require.resolve(`${name}/package.json`));
}

/** The line of the first mention of `text` in `file` (for an import webpack names without a location). */
function lineOf(file: string, text: string): number | undefined {
  try {
    const index = readFileSync(file, 'utf8').search(
      new RegExp(`['"](?:node:)?${text.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&')}['"]`, 'u'),
    );
    return index < 0 ? undefined : readFileSync(file, 'utf8').slice(0, index).split('\n').length;
  } catch {
    return undefined;
  }
}

type WebpackError = Error & { module?: { resource?: string }; loc?: { start?: { line?: number } } };

/** A webpack error as file, line and the first meaningful line of its message. */
function located(err: WebpackError, root: string): BundleProblem {
  const text = err.message;
  // swc: `x Expected ';'` ... `,-[/path/file.ts:2:1]`
  const swcLine = /,-\[(.+?):(\d+):\d+\]/u.exec(text);
  const swcMessage = /^(?:Error:)?\s*x (.+)$/mu.exec(text)?.[1];
  const file = swcLine?.[1] ?? err.module?.resource ?? '(bundle)';
  const line = swcLine ? Number(swcLine[2]) : err.loc?.start?.line;
  const message = (
    swcMessage ??
    text.split('\n').find((l) => l.trim() && !/^Module build failed/u.test(l)) ??
    text
  ).trim();
  // The plugin's wheel leaves the TypeScript compiler out (scripts/build_wheel.py): say what to do instead.
  const noSwc = /Cannot find module '@swc\/core'/u.test(text);
  return {
    file: path.relative(root, file).startsWith('..') ? file : path.relative(root, file),
    ...(line ? { line } : {}),
    message: noSwc
      ? 'TypeScript needs the swc compiler, which this installation (the Meltano plugin) leaves out: write the file in JavaScript (.js)'
      : message,
  };
}

/** What the sandbox forbids, as the SDK's bundler lists it: Node's modules but three, and the SDK's non-workflow packages. */
const FORBIDDEN = new Set([
  ...builtinModules.filter((m) => !['assert', 'url', 'util'].includes(m)),
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/testing',
]);

/** Bundle our workflows with the project's custom ones. */
export async function bundleCustomWorkflows(projectRoot: string, custom: CustomWorkflows): Promise<CustomBundle> {
  const { bundleWorkflowCode } = workerSdk();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meltano-temporal-workflows-'));
  const entry = path.join(dir, 'workflows.js');
  writeFileSync(
    entry,
    [OWN_WORKFLOWS, ...custom.files.map((f) => f.path)].map((f) => `export * from ${JSON.stringify(f)};`).join('\n'),
  );
  const problems: BundleProblem[] = [];
  const quiet = () => {};
  try {
    const { code } = await bundleWorkflowCode({
      workflowsPath: entry,
      workflowInterceptorModules: [INTERCEPTORS],
      logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet },
      webpackConfigHook: (config) => {
        const resolve = (config.resolve ??= {});
        resolve.alias = {
          ...(resolve.alias as Record<string, string | false>),
          'meltano-temporal/workflow$': AUTHOR_MODULE,
          '@temporalio/workflow': packageDir('@temporalio/workflow'),
          '@temporalio/common': packageDir('@temporalio/common'),
        };
        // The SDK names a forbidden import but not who made it: ours says which file, and the line.
        const theirs = config.externals;
        config.externals = [
          ({ request, contextInfo }: { request?: string; contextInfo?: { issuer?: string } }, callback: () => void) => {
            const name = (request ?? '').replace(/^node:/u, '');
            if (
              FORBIDDEN.has(name) &&
              contextInfo?.issuer &&
              !contextInfo.issuer.includes(`${path.sep}node_modules${path.sep}`)
            ) {
              const line = lineOf(contextInfo.issuer, name);
              problems.push({
                file: path.relative(projectRoot, contextInfo.issuer),
                ...(line ? { line } : {}),
                message: `imports '${request ?? ''}', which workflow code may not use (it would break replay); do that work in a task (meltanoRun)`,
              });
            }
            callback();
          },
          ...(Array.isArray(theirs) ? theirs : theirs ? [theirs] : []),
        ] as typeof config.externals;
        (config.plugins ??= []).push({
          apply(compiler) {
            compiler.hooks.done.tap('meltano-temporal-problems', (stats) => {
              for (const err of stats.compilation.errors) {
                // `node:fs` also fails as an unknown URL scheme: already reported above as a forbidden import.
                if (/node:/u.test(err.message) && /scheme/iu.test(`${err.name} ${err.message}`)) continue;
                problems.push(located(err as WebpackError, projectRoot));
              }
            });
          },
        });
        return config;
      },
    });
    return problems.length ? { problems } : { code };
  } catch (err) {
    if (!problems.length)
      problems.push({ file: custom.relDir, message: (err as Error).message.split('\n')[0] ?? String(err) });
    return { problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `file:line: message`, as workers and `workflows list` print a problem. */
export function problemText(p: BundleProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`;
}
