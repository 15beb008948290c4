/**
 * Where the worker's memory goes: one `meltano-temporal worker` process
 * (4 task slots) against a real dev server with 100 schedules synced, measured
 * idle, after 20 runs of a 3-task no-op job, and with 40 runs open at once
 * (4 running, 36 waiting for a slot: each open run sits in the workflow
 * cache). For each phase: RSS (and PSS), the main thread's V8 heap
 * (`process.memoryUsage()`), external and array buffers. Then, for the worker
 * as shipped: the scripts the main thread loaded by package, heap snapshots
 * of the main thread and of the workflow isolate (the SDK's worker thread) by
 * node type and largest retainers, and the workflow bundle's size and parts.
 *
 * Variants run one after the other on the same server, interleaved in two
 * rounds, so a change shows side by side: the worker as shipped; the worker
 * with the workflow bundle as the SDK builds it by default (inline source map
 * with every source's text), the way dist/workflow-bundle.js was built
 * before; and the worker as shipped with glibc's malloc limited to 2 arenas
 * (`MALLOC_ARENA_MAX=2`: the native core and the workflow thread allocate
 * from many threads).
 *
 *   npm run bench -- worker-memory
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { execa, type ResultPromise } from 'execa';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectDevServerFile, startDevServer } from '../src/temporal/dev-server.js';
import { WORKFLOW_BUNDLE } from '../src/temporal/worker.js';
import { CLI_BIN as CLI } from '../src/util/paths.js';
import { meltanoJob } from '../workflows/index.js';
import { bundleParts } from './bundle-parts.js';
import { sleep, waitFor, waitForOutput } from '../src/util/wait.js';
import { summariseHeapSnapshot, type HeapSummary } from './heap-summary.js';

const PROBE = fileURLToPath(new URL('./worker-memory-probe.js', import.meta.url));
const QUEUE = 'bench-memory';
const IDLE_MS = 15_000;
const RUNS = 20;
const OPEN_RUNS = 40;
const ROUNDS = 2;

const MiB = (bytes: number): string => `${(bytes / 1048576).toFixed(1)}`;
const KiBtoMiB = (kib: number): string => `${(kib / 1024).toFixed(1)}`;

interface Figures {
  memory: NodeJS.MemoryUsage;
  status: Record<'VmRSS' | 'RssAnon' | 'RssFile' | 'VmHWM' | 'Threads', number>;
  rollup: Record<'Pss' | 'Anonymous', number>;
  threads: number;
  scripts: Array<{ url: string; length: number }>;
}

/** A project with jobs `three` (noop:a, noop:b, noop:c) and `hold` (waits while the hold file exists), 100 schedules. */
function writeProject(root: string): { hold: string } {
  const hold = path.join(root, 'hold');
  const stub = path.join(root, '.meltano', 'run', 'bin');
  mkdirSync(path.dirname(stub), { recursive: true });
  writeFileSync(stub, `#!/bin/sh\ncase "$*" in *noop:hold*) while [ -e '${hold}' ]; do sleep 0.2; done ;; esac\n`);
  chmodSync(stub, 0o755);
  let yml = `plugins:
  utilities:
  - name: noop
    namespace: noop
jobs:
- name: three
  tasks:
  - noop:a
  - noop:b
  - noop:c
- name: hold
  tasks:
  - noop:hold
schedules:
`;
  for (let i = 0; i < 100; i++) yml += `- name: s-${i}\n  interval: '@daily'\n  job: three\n`;
  writeFileSync(path.join(root, 'meltano.yml'), yml);
  return { hold };
}

class ProbedWorker {
  private asked = 0;
  private output = '';
  readonly proc: ResultPromise;

  constructor(
    private readonly dir: string,
    root: string,
    env: Record<string, string>,
  ) {
    mkdirSync(dir, { recursive: true });
    this.proc = execa(
      'node',
      ['--import', PROBE, CLI, 'worker', '--project', root, '--task-queue', QUEUE, '--max-concurrent-tasks', '4'],
      {
        env: { ...env, WORKER_MEMORY_PROBE_DIR: dir },
        reject: false,
        stdin: 'ignore',
        all: true,
        buffer: false,
      },
    );
    this.proc.all?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  async ready(): Promise<void> {
    await waitForOutput({ output: () => this.output, exitCode: () => this.proc.exitCode }, 'polling task queue', {
      what: 'the worker to poll',
      timeoutMs: 120_000,
      intervalMs: 100,
    });
  }

  /** Sends the probe a request and waits for its answer. */
  async ask<T>(request: 'figures' | 'snapshot'): Promise<T> {
    const n = ++this.asked;
    writeFileSync(path.join(this.dir, 'request'), request);
    this.proc.kill('SIGUSR2');
    const file = path.join(this.dir, `${n}.json`);
    await waitFor('an answer from the probe', () => existsSync(file), {
      timeoutMs: 180_000,
      detail: () => this.output,
    });
    await sleep(200); // written in one call; let it land
    const answer = JSON.parse(readFileSync(file, 'utf8')) as T & { error?: string };
    if (answer.error) throw new Error(`probe: ${answer.error}`);
    return answer;
  }

  async stop(): Promise<void> {
    this.proc.kill('SIGTERM');
    await this.proc;
  }
}

interface Phase {
  phase: string;
  figures: Figures;
}

async function runJobs(client: Client, job: string, count: number, tag: string): Promise<Array<Promise<unknown>>> {
  const handles = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      client.workflow.start(meltanoJob, {
        taskQueue: QUEUE,
        workflowId: `${tag}-${job}-${i}`,
        args: [{ job }],
        workflowExecutionTimeout: '10 minutes',
      }),
    ),
  );
  return handles.map((h) => h.result());
}

/** One worker process through the three phases; `snapshot` adds heap snapshots at the end. */
async function measure(
  label: string,
  root: string,
  hold: string,
  client: Client,
  env: Record<string, string>,
  snapshot: boolean,
): Promise<{ phases: Phase[]; files: string[] }> {
  const tag = `${label.replace(/\W+/gu, '-')}-${Date.now()}`;
  const worker = new ProbedWorker(mkdtempSync(path.join(os.tmpdir(), 'bench-wm-probe-')), root, env);
  const phases: Phase[] = [];
  try {
    await worker.ready();
    await sleep(IDLE_MS);
    phases.push({ phase: 'idle', figures: await worker.ask<Figures>('figures') });
    await Promise.all(await runJobs(client, 'three', RUNS, tag));
    await sleep(5000);
    phases.push({ phase: `after ${RUNS} runs`, figures: await worker.ask<Figures>('figures') });
    writeFileSync(hold, '');
    const open = await runJobs(client, 'hold', OPEN_RUNS, tag);
    // Every run resolved and its task scheduled (4 running, the rest waiting for a slot).
    const deadline = Date.now() + 120_000;
    for (;;) {
      const pending = await Promise.all(
        Array.from({ length: OPEN_RUNS }, (_, i) =>
          client.workflow
            .getHandle(`${tag}-hold-${i}`)
            .describe()
            .then((d) => (d.raw.pendingActivities ?? []).length),
        ),
      );
      if (pending.every((p) => p > 0) || Date.now() > deadline) break;
      await sleep(500);
    }
    await sleep(3000);
    phases.push({ phase: `${OPEN_RUNS} runs open`, figures: await worker.ask<Figures>('figures') });
    rmSync(hold, { force: true });
    await Promise.all(open);
    await sleep(3000);
    const files = snapshot ? (await worker.ask<{ files: string[] }>('snapshot')).files : [];
    return { phases, files };
  } finally {
    rmSync(hold, { force: true });
    await worker.stop();
  }
}

/** The package a script belongs to (the innermost node_modules entry), and that package's directory. */
function packageOf(url: string): { name: string; dir: string } {
  const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//u.exec(url);
  if (m?.[1] && m[2]) return { name: m[2], dir: m[1] };
  if (url.startsWith('node:')) return { name: '(node built-ins)', dir: '' };
  if (url.includes('/dist/')) return { name: 'meltano-temporal (ours)', dir: '' };
  return { name: url ? '(other)' : '(no url)', dir: '' };
}

function printPhases(rows: Array<{ variant: string } & Phase>): void {
  console.log(
    `  ${'variant'.padEnd(36)}${'phase'.padEnd(16)}${'RSS'.padStart(7)}${'PSS'.padStart(7)}${'heap used/total'.padStart(17)}${'external'.padStart(10)}${'arrayBuf'.padStart(10)}${'threads'.padStart(9)}  (MiB)`,
  );
  for (const r of rows) {
    const f = r.figures;
    console.log(
      `  ${r.variant.padEnd(36)}${r.phase.padEnd(16)}${KiBtoMiB(f.status.VmRSS).padStart(7)}${KiBtoMiB(f.rollup.Pss).padStart(7)}${`${MiB(f.memory.heapUsed)}/${MiB(f.memory.heapTotal)}`.padStart(17)}${MiB(f.memory.external).padStart(10)}${MiB(f.memory.arrayBuffers).padStart(10)}${String(f.status.Threads).padStart(9)}`,
    );
  }
}

function printHeap(title: string, s: HeapSummary): void {
  console.log(`  ${title}: ${MiB(s.totalBytes)} MiB in ${s.nodes} objects`);
  console.log(
    `    by type: ${s.byType
      .slice(0, 8)
      .map((t) => `${t.type} ${MiB(t.bytes)}`)
      .join(', ')}`,
  );
  console.log(
    `    by constructor: ${s.byConstructor
      .slice(0, 8)
      .map((c) => `${c.label.length > 40 ? `${c.label.slice(0, 37)}...` : c.label} ${MiB(c.bytes)}`)
      .join(', ')}`,
  );
  console.log('    largest retainers (retained MiB; nested ones overlap):');
  for (const r of s.topRetainers.slice(0, 5))
    console.log(`      ${MiB(r.retainedBytes).padStart(6)}  ${r.label.split('\n')[0]}`);
}

// --- the run ---
const root = mkdtempSync(path.join(os.tmpdir(), 'bench-worker-memory-'));
const { hold } = writeProject(root);
const server = await startDevServer({
  dbFile: projectDevServerFile(root),
  port: 37233 + Math.floor(Math.random() * 1000),
  uiPort: 39233 + Math.floor(Math.random() * 1000),
});
const env = {
  ...(process.env as Record<string, string>),
  TEMPORAL_ADDRESS: server.address,
  MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
};
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });
try {
  const synced = await execa('node', [CLI, '--project', root, 'sync'], { env, reject: false });
  if (synced.exitCode !== 0) throw new Error(`sync failed:\n${synced.stderr}`);

  // The bundle as the SDK builds it by default (what dist/workflow-bundle.js was before the build trimmed it).
  const { code: fullCode } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../workflows/index.js', import.meta.url)),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  const fullBundle = path.join(root, 'workflow-bundle-sdk-default.js');
  writeFileSync(fullBundle, fullCode);

  const variants: Array<{ label: string; env: Record<string, string>; snapshot: boolean }> = [
    { label: 'as shipped', env, snapshot: true },
    {
      label: 'bundle with full source map',
      env: { ...env, WORKER_MEMORY_OVERRIDES: JSON.stringify({ workflowBundle: { codePath: fullBundle } }) },
      snapshot: false,
    },
    { label: 'as shipped, MALLOC_ARENA_MAX=2', env: { ...env, MALLOC_ARENA_MAX: '2' }, snapshot: false },
  ];
  const rows: Array<{ variant: string } & Phase> = [];
  let shipped: { phases: Phase[]; files: string[] } | undefined;
  // Rounds interleave the variants, so a load change on the shared host does not fall on one variant only.
  for (let round = 1; round <= ROUNDS; round++) {
    for (const v of variants) {
      const result = await measure(`${v.label}-${round}`, root, hold, client, v.env, v.snapshot && round === 1);
      if (!shipped) shipped = result;
      rows.push(...result.phases.map((p) => ({ variant: `${v.label} #${round}`, ...p })));
    }
  }
  rows.sort((a, b) => a.variant.localeCompare(b.variant));

  const load = os.loadavg().map((l) => l.toFixed(2));
  console.log(
    `worker memory: one \`meltano-temporal worker\` process (4 task slots), 100 schedules synced, real dev server on this host; ${new Date().toISOString().slice(0, 10)}, load average ${load.join(' ')}`,
  );
  console.log(
    `  phases: idle ${IDLE_MS / 1000} s after start; after ${RUNS} runs of a 3-task no-op job; ${OPEN_RUNS} runs open (4 tasks running, the rest waiting for a slot)`,
  );
  printPhases(rows);

  const idle = shipped?.phases[0]?.figures;
  if (idle) {
    const byPackage = new Map<string, { bytes: number; scripts: number; copies: Set<string> }>();
    for (const s of idle.scripts) {
      const p = packageOf(s.url);
      const entry = byPackage.get(p.name) ?? { bytes: 0, scripts: 0, copies: new Set<string>() };
      entry.bytes += s.length;
      entry.scripts++;
      entry.copies.add(p.dir);
      byPackage.set(p.name, entry);
    }
    const total = [...byPackage.values()].reduce((sum, e) => sum + e.bytes, 0);
    console.log(
      `  main thread, idle: ${idle.scripts.length} scripts loaded, ${MiB(total)} MiB of source; by package (MiB, scripts):`,
    );
    const sorted = [...byPackage.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 14);
    console.log(
      `    ${sorted.map(([p, e]) => `${p} ${MiB(e.bytes)} (${e.scripts}${e.copies.size > 1 ? `, ${e.copies.size} copies` : ''})`).join(', ')}`,
    );
    console.log(
      `  idle RSS ${KiBtoMiB(idle.status.VmRSS)} MiB = main V8 heap (committed) ${MiB(idle.memory.heapTotal)} + the rest ${MiB(idle.status.VmRSS * 1024 - idle.memory.heapTotal)} (native core, the workflow isolate's thread, code, buffers; file-backed ${KiBtoMiB(idle.status.RssFile)})`,
    );
  }
  for (const file of shipped?.files ?? []) {
    printHeap(
      file.includes('-main.')
        ? 'heap snapshot, main thread (as shipped, after the runs)'
        : 'heap snapshot, workflow isolate thread',
      summariseHeapSnapshot(file),
    );
  }
  for (const [name, file] of [
    ['as shipped (dist/workflow-bundle.js)', WORKFLOW_BUNDLE],
    ['SDK default', fullBundle],
  ] as const) {
    const parts = bundleParts(readFileSync(file, 'utf8'));
    console.log(
      `  workflow bundle, ${name}: ${MiB(statSync(file).size)} MiB = code ${MiB(parts.codeBytes)} + inline source map ${MiB(parts.sourceMapBytes)} (of which source texts ${MiB(parts.sourcesContentBytes)} when decoded)`,
    );
  }
  const parts = bundleParts(readFileSync(WORKFLOW_BUNDLE, 'utf8'));
  console.log(
    `    code by package (KiB): ${parts.byPackage
      .slice(0, 10)
      .map((p) => `${p.name} ${(p.bytes / 1024).toFixed(0)}`)
      .join(', ')}`,
  );
  console.log('reproduce: npm run bench -- worker-memory');
} finally {
  await connection.close();
  await server.stop();
}
