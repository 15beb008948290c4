/**
 * Loaded into the measured worker process (`node --import <this> main.js worker ...`) by
 * bench/worker-memory.ts, never by the product. On SIGUSR2 it reads the request in
 * `$WORKER_MEMORY_PROBE_DIR/request` and answers in `<dir>/<n>.json`:
 *
 * - `figures`: RSS and its parts (/proc), `process.memoryUsage()`, V8 heap spaces, the
 *   scripts loaded in the main thread with their source length (inspector `scriptParsed`);
 * - `snapshot`: heap snapshots of the main thread and of each worker thread (the workflow
 *   isolate), written beside it, for the bench to summarise outside this process.
 *
 * Worker threads are tracked by wrapping `worker_threads.Worker` before the SDK creates its
 * own; `WORKER_MEMORY_OVERRIDES` (JSON) is merged into `Worker.create` options, so one bench
 * run compares a worker option side by side without a product flag for it.
 */
import { createRequire } from 'node:module';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import inspector from 'node:inspector';
import v8 from 'node:v8';
import type { Worker as ThreadWorker } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const dir = process.env.WORKER_MEMORY_PROBE_DIR ?? '';
const threads: ThreadWorker[] = [];

const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
const Original = workerThreads.Worker;
class TrackedWorker extends Original {
  constructor(...args: ConstructorParameters<typeof Original>) {
    super(...args);
    threads.push(this);
    this.once('exit', () => threads.splice(threads.indexOf(this), 1));
  }
}
workerThreads.Worker = TrackedWorker;

const overrides = process.env.WORKER_MEMORY_OVERRIDES
  ? (JSON.parse(process.env.WORKER_MEMORY_OVERRIDES) as Record<string, unknown>)
  : undefined;
if (overrides) {
  const sdk = require('@temporalio/worker') as typeof import('@temporalio/worker');
  const create = sdk.Worker.create.bind(sdk.Worker);
  sdk.Worker.create = (options) => create({ ...options, ...overrides });
}

/** `Key: N kB` fields of a /proc file, in KiB. */
function procFields(file: string, keys: string[]): Record<string, number> {
  const text = readFileSync(file, 'utf8');
  return Object.fromEntries(keys.map((k) => [k, Number(new RegExp(`^${k}:\\s+(\\d+)`, 'mu').exec(text)?.[1] ?? 0)]));
}

/** Every script V8 has compiled in this thread, with its source length (inspector's scriptParsed). */
function loadedScripts(): Array<{ url: string; length: number }> {
  const scripts: Array<{ url: string; length: number }> = [];
  const session = new inspector.Session();
  session.connect();
  session.on('Debugger.scriptParsed', (m) => {
    const p = m.params as { url: string; length?: number };
    scripts.push({ url: p.url, length: p.length ?? 0 });
  });
  session.post('Debugger.enable');
  session.post('Debugger.disable');
  session.disconnect();
  return scripts;
}

let answered = 0;

async function answer(): Promise<void> {
  const n = ++answered;
  const request = readFileSync(path.join(dir, 'request'), 'utf8').trim();
  if (request === 'snapshot') {
    const files = [v8.writeHeapSnapshot(path.join(dir, `${n}-main.heapsnapshot`))];
    for (const [i, t] of threads.entries()) {
      const file = path.join(dir, `${n}-thread-${i}.heapsnapshot`);
      await pipeline(await t.getHeapSnapshot(), createWriteStream(file));
      files.push(file);
    }
    writeFileSync(path.join(dir, `${n}.json`), JSON.stringify({ files }));
    return;
  }
  const memory = process.memoryUsage();
  const figures = {
    memory,
    status: procFields('/proc/self/status', ['VmRSS', 'RssAnon', 'RssFile', 'VmHWM', 'Threads']),
    rollup: procFields('/proc/self/smaps_rollup', ['Pss', 'Anonymous']),
    heap: v8.getHeapStatistics(),
    spaces: v8
      .getHeapSpaceStatistics()
      .map((s) => ({ name: s.space_name, used: s.space_used_size, size: s.space_size })),
    threads: threads.length,
    scripts: loadedScripts(),
  };
  writeFileSync(path.join(dir, `${n}.json`), JSON.stringify(figures));
}

if (dir) {
  process.on('SIGUSR2', () => {
    answer().catch((err: unknown) => {
      writeFileSync(path.join(dir, `${answered}.json`), JSON.stringify({ error: String(err) }));
    });
  });
}
