/**
 * The npm package as a user gets it (docs/deployment.md, "Without the plugin: the npm package"):
 * `npm pack` of a copy of the sources without dist/ (so `prepack` must build),
 * `npm install -g --prefix <scratch> <tarball>` (production dependencies only,
 * nowhere near this repository's node_modules), then the installed command run
 * from inside a scratch Meltano project with a minimal environment: `--help`,
 * `schedule list --format=json` against the real `meltano`, and `up` running
 * one job on its embedded Temporal dev server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { pipelineProject } from '../helpers/pipeline.js';
import { makeProject } from '../helpers/project.js';
import { freePort } from '../helpers/temporal.js';
import { CLI, meltano, MELTANO, REPO_ROOT, TEMPORAL, VENV_BIN, requireFile } from '../helpers/run.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'mt-package-'));
const sources = path.join(work, 'sources');
const packed = path.join(work, 'packed');
const prefix = path.join(work, 'prefix');
const installed = path.join(prefix, 'lib', 'node_modules', 'meltano-temporal');
const command = path.join(prefix, 'bin', 'meltano-temporal');
let tarball = '';
let tarEntries: string[] = [];

/**
 * What a user's shell would give the command: npm's bin directory, `meltano` and
 * `temporal` (here from .venv), node, the system; no NODE_PATH, no repository paths.
 */
function userEnv(): Record<string, string> {
  return {
    PATH: [
      path.join(prefix, 'bin'),
      VENV_BIN,
      path.dirname(process.execPath),
      '/usr/local/bin',
      '/usr/bin',
      '/bin',
    ].join(':'),
    HOME: process.env.HOME ?? os.homedir(),
    LANG: 'C.UTF-8',
    MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
  };
}

function installedCli(cwd: string, args: string[]) {
  return execa(command, args, { cwd, env: userEnv(), extendEnv: false, reject: false, stdin: 'ignore' });
}

/** Every file git would commit (tracked or new, not ignored) that exists in the working tree. */
async function copySources(): Promise<void> {
  const { stdout } = await execa('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: REPO_ROOT,
  });
  for (const rel of stdout.split('\0').filter(Boolean)) {
    const from = path.join(REPO_ROOT, rel);
    if (!existsSync(from) || !statSync(from).isFile()) continue;
    const to = path.join(sources, rel);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
}

beforeAll(async () => {
  requireFile(MELTANO);
  requireFile(TEMPORAL);
  requireFile(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), 'run `npm run setup`');
  await copySources();
  expect(existsSync(path.join(sources, 'dist'))).toBe(false);
  // The build needs the dev dependencies (TypeScript, the workflow bundler); the package must not.
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(sources, 'node_modules'));
  mkdirSync(packed);
  await execa('npm', ['pack', '--pack-destination', packed, '--loglevel=error'], { cwd: sources, stdin: 'ignore' });
  const tarballs = readdirSync(packed).filter((f) => f.endsWith('.tgz'));
  expect(tarballs).toEqual(['meltano-temporal-0.1.0.tgz']);
  tarball = path.join(packed, tarballs[0] ?? '');
  tarEntries = (await execa('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean);
  await execa('npm', ['install', '-g', '--prefix', prefix, tarball, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: work,
    stdin: 'ignore',
  });
}, 900_000);

// 270 MB per run (sources, tarball, installed dependencies): not left in /tmp.
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed npm package', () => {
  it("holds the bundled CLI (one entry file, its chunks), the workflow bundle and the author API's declarations, and no sources, tests, bench or source maps", () => {
    const files = tarEntries.map((e) => e.replace(/^package\//u, ''));
    expect(files).toContain(path.relative(REPO_ROOT, CLI));
    expect(files.filter((f) => f.startsWith('dist/cli/chunks/')).length).toBeGreaterThan(0);
    expect(files).toContain('dist/workflow-bundle.js');
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    const unexpected = files.filter(
      (f) =>
        !['package.json', 'README.md', 'LICENSE'].includes(f) &&
        !/^dist\/cli\/(chunks\/)?[^/]+\.js$/u.test(f) &&
        // Our workflow code as modules: custom workflows are bundled with it (docs/custom-workflows.md).
        !/^dist\/workflows\/([^/]+\/)?[^/]+\.js$/u.test(f) &&
        // The declarations of `meltano-temporal/workflow` and the types they name, for TypeScript authors.
        !/^dist\/.+\.d\.ts$/u.test(f) &&
        f !== 'dist/workflow-bundle.js',
    );
    expect(unexpected).toEqual([]);
    expect(files).toContain('dist/workflows/author.d.ts');
    expect(files.filter((f) => /(?<!\.d)\.ts$|\.map$/u.test(f))).toEqual([]);
  });

  it('installs with its production dependencies only, its command linked to the bundled CLI', () => {
    expect(realpathSync(command)).toBe(path.join(installed, path.relative(REPO_ROOT, CLI)));
    const modules = path.join(installed, 'node_modules');
    for (const dep of ['@temporalio/worker', '@temporalio/client'])
      expect(existsSync(path.join(modules, dep, 'package.json')), dep).toBe(true);
    // Everything else the CLI uses (commander, execa, yaml, ...) is in the bundle: the package depends on the SDK only.
    const { dependencies } = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(dependencies).filter((d) => !d.startsWith('@temporalio/'))).toEqual([]);
    for (const dev of ['typescript', 'vitest', 'eslint', 'prettier', 'typescript-eslint', '@types/js-yaml', 'esbuild'])
      expect(existsSync(path.join(modules, dev)), dev).toBe(false);
    expect(existsSync(path.join(installed, 'dist', 'workflow-bundle.js'))).toBe(true);
  });

  it('bundles a custom TypeScript workflow that imports meltano-temporal/workflow, from the installed layout', async () => {
    const dir = makeProject({
      'meltano.yml': 'jobs:\n- name: j\n  tasks:\n  - tap-x target-y\n',
      'orchestrate/workflows/nightly.ts':
        "import { meltanoRun } from 'meltano-temporal/workflow';\nexport async function nightly(): Promise<void> {\n  await meltanoRun('tap-x target-y');\n}\n",
    });
    const r = await installedCli(dir, ['workflows', 'list', '--compile', '--format=json']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ workflows: [{ name: 'nightly', line: 2 }], problems: [] });
  });

  it('runs --help', async () => {
    const r = await installedCli(work, ['--help']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: meltano-temporal \[options\] \[command\]\n/u);
    for (const sub of ['job', 'schedule', 'worker', 'sync', 'runs', 'up', 'doctor'])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${sub} `, 'u'));
  });

  it('lists the schedules of the Meltano project it is started in, as `meltano schedule list --format=json` does', async () => {
    const dir = pipelineProject(`- name: count
  interval: '@daily'
  job: count
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
- name: count-manual
  interval: '@manual'
  job: count
- name: elt-count
  interval: '15 */6 * * *'
  extractor: tap-count
  loader: target-lines
  transform: skip
`);
    const [mine, theirs] = await Promise.all([
      installedCli(dir, ['schedule', 'list', '--format=json']),
      meltano(dir, ['schedule', 'list', '--format=json']),
    ]);
    expect(theirs.exitCode, theirs.stderr).toBe(0);
    expect(mine.stderr).toBe('');
    expect(mine.exitCode).toBe(0);
    expect(mine.stdout).toBe(theirs.stdout);
    const json = JSON.parse(mine.stdout) as { schedules: { job: { name: string }[]; elt: { name: string }[] } };
    expect(json.schedules.job.map((s) => s.name)).toEqual(['count', 'count-manual']);
    expect(json.schedules.elt.map((s) => s.name)).toEqual(['elt-count']);
  });

  describe('up', () => {
    let up: ResultPromise | undefined;
    let dir = '';

    afterAll(async () => {
      if (up && up.exitCode === null) {
        up.kill('SIGKILL');
        await up;
      }
      // up's dev server runs in its own process group: after a SIGKILL of up it would stay.
      if (dir) killProcessesUsing(path.join(dir, '.meltano', 'temporal', 'dev.sqlite'));
    });

    it('runs one job on its embedded Temporal dev server from the prebuilt bundle, and stops everything on Ctrl-C', async () => {
      dir = pipelineProject(`- name: count
  interval: '@daily'
  job: count
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
    TAP_COUNT_ROWS: '3'
`);
      const [port, uiPort] = [await freePort(), await freePort()];
      let output = '';
      up = execa(command, ['up', '--port', String(port), '--ui-port', String(uiPort), '--trigger', 'count'], {
        cwd: dir,
        env: userEnv(),
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        all: true,
        buffer: false,
      });
      up.all?.on('data', (d: Buffer) => {
        output += d.toString();
      });
      const proc = up;
      const outcome = await new Promise<string>((resolve) => {
        const timer = setInterval(() => {
          const m = /\[up\] run of count (completed|failed)/u.exec(output);
          if (m) {
            clearInterval(timer);
            resolve(m[1] ?? '');
          }
        }, 200);
        void proc.then(() => {
          clearInterval(timer);
          resolve('up exited');
        });
      });
      expect(outcome, output).toBe('completed');
      // The schedule this project's meltano.yml defines, on the embedded server at the port asked for.
      expect(output).toContain(`127.0.0.1:${port}`);
      // Named after the project_id up gave the project (it had none), as Meltano would have.
      const projectId = /^project_id: (\S+)$/mu.exec(readFileSync(path.join(dir, 'meltano.yml'), 'utf8'))?.[1] ?? '';
      expect(output).toContain(`meltano.yml: added project_id ${projectId}`);
      const tag = createHash('sha256').update(projectId).digest('hex').slice(0, 8);
      expect(output).toContain(`meltano:${path.basename(dir)}-${tag}:dev:count`);
      // Both tasks reported the tap's rows (its Singer METRIC lines, read by the installed worker).
      expect(output.match(/rows: numbers=3\n/gu)).toHaveLength(2);
      // The worker loaded dist/workflow-bundle.js: building one from source would log this.
      expect(output).not.toContain('Workflow bundle created');
      // The second task resumed from the first one's state: rows 1..6, each once.
      const rows = readFileSync(path.join(dir, 'out.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { n: number }).n);
      expect(rows).toEqual([1, 2, 3, 4, 5, 6]);
      expect(existsSync(path.join(dir, '.meltano', 'temporal', 'dev.sqlite'))).toBe(true);

      proc.kill('SIGINT');
      const result = await proc;
      expect(result.exitCode, output).toBe(0);
      expect(processesUsing(path.join(dir, '.meltano', 'temporal', 'dev.sqlite'))).toEqual([]);
    }, 300_000);
  });
});

/** Pids whose command line names `file` (the dev server started for one scratch project). */
function processesUsing(file: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/u.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(file)) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

function killProcessesUsing(file: string): void {
  for (const pid of processesUsing(file)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
