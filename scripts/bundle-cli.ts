/**
 * Build step: the shipped CLI, bundled by esbuild into dist/cli/: one entry
 * file (package.json `bin`) and, in dist/cli/chunks/, the modules commands
 * load when they run. Node then opens a handful of files at start-up instead
 * of one per module. The Temporal SDK stays outside the bundle: the worker
 * has a native part, and the SDK's packages must be the same instances the
 * worker uses (the activity context, failure classes).
 */
import { build, type Plugin } from 'esbuild';
import { chmodSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { CLI_BIN, PACKAGE_ROOT } from '../src/util/paths.js';

/**
 * fdir loads picomatch when it is imported, through a require of its own, for its glob API. tinyglobby does
 * not use that API (it matches with the picomatch it imports, which is bundled): left in, that require
 * reaches outside the bundle (node_modules in a checkout, nothing in the npm package) at every start.
 */
const fdirWithoutOptionalPicomatch: Plugin = {
  name: 'fdir-without-optional-picomatch',
  setup(build) {
    build.onLoad({ filter: /[\\/]fdir[\\/]dist[\\/]index\.mjs$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const load = /__require\.resolve\("picomatch"\);\s*pm = __require\("picomatch"\);/u;
      if (!load.test(source))
        throw new Error(`${args.path}: fdir's optional picomatch load changed; update this plugin`);
      return { contents: source.replace(load, ''), loader: 'js' };
    });
  },
};

const outdir = path.dirname(CLI_BIN);
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: PACKAGE_ROOT,
  entryPoints: { [path.basename(CLI_BIN, '.js')]: 'src/cli/program/bin.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@temporalio/*'],
  chunkNames: 'chunks/[name]-[hash]',
  // Maps name src/ files in --verbose stack traces (bin.ts turns them on); not part of the npm package.
  sourcemap: 'linked',
  sourcesContent: false,
  // Bundled CommonJS packages (commander, picomatch) call require() for Node's modules: give ES modules one.
  banner: {
    js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);",
  },
  plugins: [fdirWithoutOptionalPicomatch],
  metafile: true,
  logLevel: 'warning',
});
// Executable, like an installed bin: a checkout can run it directly.
chmodSync(CLI_BIN, 0o755);
const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
console.error(
  `cli bundle: ${path.relative(PACKAGE_ROOT, CLI_BIN)} (${(statSync(CLI_BIN).size / 1024).toFixed(0)} KiB) and ${outputs.length - 1} chunks`,
);
