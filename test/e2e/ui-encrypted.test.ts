/**
 * The embedded Web UI with payload encryption on, in headless Chromium:
 * `up` starts the codec server and points the dev server's UI at it, so a
 * run's page shows each task by name and its decoded input and result,
 * while the server itself stores only ciphertext. Screenshots are kept in
 * test-artifacts/ (look at them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AesGcmCodec } from '../../src/temporal/codec.js';
import { pipelineProject } from '../helpers/pipeline.js';
import { CLI, MELTANO, REPO_ROOT, VENV_BIN } from '../helpers/run.js';
import { freePort } from '../helpers/temporal.js';
import { waitForOutput } from '../helpers/wait.js';

const KEY = randomBytes(32).toString('base64');
let up: { proc: ResultPromise; output: () => string } | undefined;
let port: number;
let uiPort: number;
let codecPort: number;
let workflowId: string;
let dir: string;

function chromium(): string {
  const found = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!found)
    throw new Error('Chromium is missing: apt-get install chromium (scripts/setup.sh --test-tools installs it)');
  return found;
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--virtual-time-budget=20000',
  '--window-size=1400,1800',
];

async function browse(url: string, screenshot: string): Promise<string> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'chromium-'));
  const dom = await execa(chromium(), [...FLAGS, `--user-data-dir=${profile}`, '--dump-dom', url], {
    reject: false,
    timeout: 120_000,
  });
  const artifacts = path.join(REPO_ROOT, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  await execa(
    chromium(),
    [...FLAGS, `--user-data-dir=${profile}`, `--screenshot=${path.join(artifacts, screenshot)}`, url],
    {
      reject: false,
      timeout: 120_000,
    },
  );
  writeFileSync(path.join(artifacts, screenshot.replace(/\.png$/u, '.html')), dom.stdout);
  return dom.stdout;
}

beforeAll(async () => {
  dir = pipelineProject(
    `- name: demo
  interval: '@daily'
  job: demo
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
    TAP_COUNT_ROWS: '5'
`,
    `- name: demo
  tasks:
  - tap-count target-lines
  - tap-count target-lines
`,
  );
  port = await freePort();
  uiPort = await freePort();
  codecPort = await freePort();
  let output = '';
  const proc = execa(
    'node',
    [
      CLI,
      '--project',
      dir,
      'up',
      '--port',
      String(port),
      '--ui-port',
      String(uiPort),
      '--codec-port',
      String(codecPort),
      '--shutdown-grace',
      '2s',
      '--trigger',
      'demo',
    ],
    {
      env: {
        PATH: `${VENV_BIN}:${process.env.PATH ?? ''}`,
        MELTANO_BIN: MELTANO,
        MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
        MELTANO_TEMPORAL_PROJECT: 'uienc',
        MELTANO_TEMPORAL_ENCRYPTION_KEY: KEY,
        HOME: process.env.HOME ?? '/root',
      },
      reject: false,
      stdin: 'ignore',
      all: true,
      buffer: false,
    },
  );
  proc.all?.on('data', (d: Buffer) => (output += d.toString()));
  up = { proc, output: () => output };
  await waitForOutput({ output: up.output, exitCode: () => proc.exitCode }, /run of demo (completed|failed)/u, {
    what: 'up to finish the run',
    timeoutMs: 240_000,
    intervalMs: 250,
  });
  expect(output).toContain('run of demo completed');
  workflowId = /triggered demo: (\S+)/u.exec(output)?.[1] ?? '';
}, 300_000);

afterAll(async () => {
  if (up) {
    up.proc.kill('SIGINT');
    await up.proc;
  }
});

describe('embedded Web UI with encryption on', () => {
  it('up starts the codec server and the dev server UI points at it', () => {
    expect(up?.output()).toContain(`codec server for the Web UI at http://127.0.0.1:${codecPort}`);
    expect(workflowId).toMatch(/^meltano:uienc:dev:demo-/u);
  });

  it('the server stores ciphertext only', async () => {
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    try {
      const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
      const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
      expect(Buffer.from(input?.metadata?.encoding ?? new Uint8Array()).toString()).toBe('binary/encrypted');
      const raw = JSON.stringify(history.events?.map((e) => Buffer.from(JSON.stringify(e)).toString()));
      expect(raw).not.toContain(dir);
    } finally {
      await connection.close();
    }
  });

  it("the run's page shows the task names and the decoded result (headless Chromium)", async () => {
    const url = `http://127.0.0.1:${uiPort}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;
    const dom = await browse(url, 'ui-encrypted-run.png');
    // Activity summaries: the tasks as written.
    expect(dom).toContain('tap-count target-lines (1/2)');
    // The decoded result (rows per stream), only readable through the codec server.
    expect(dom).toMatch(/rowsPerStream/u);
    expect(dom).toMatch(/numbers/u);
  }, 300_000);

  it("the run's User Metadata tab shows its summary, details and current details, decoded", async () => {
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    let runId: string;
    try {
      const codec = new AesGcmCodec(Buffer.from(KEY, 'base64'));
      const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
      runId = (await client.workflow.getHandle(workflowId).describe()).runId;
    } finally {
      await connection.close();
    }
    const url = `http://127.0.0.1:${uiPort}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${runId}/user-metadata`;
    const dom = await browse(url, 'ui-encrypted-metadata.png');
    // The UI renders each markdown text in an iframe (`/render?content=<text>`), by element id.
    const rendered = (id: string): string => {
      const src = new RegExp(`<iframe[^>]*src="(/render\\?[^"]*)"[^>]*id="${id}"`, 'u').exec(dom)?.[1] ?? '';
      return new URL(src.replaceAll('&amp;', '&'), 'http://ui').searchParams.get('content') ?? '';
    };
    expect(rendered('user-metadata-summary')).toBe('demo: tap-count target-lines → tap-count target-lines [uienc/dev]');
    const texts = [...dom.matchAll(/<iframe[^>]*src="(\/render\?[^"]*)"/gu)].map(
      (m) => new URL((m[1] ?? '').replaceAll('&amp;', '&'), 'http://ui').searchParams.get('content') ?? '',
    );
    expect(texts.some((t) => t.includes('**Started by** schedule `meltano:uienc:dev:demo`'))).toBe(true);
    expect(texts.some((t) => t.startsWith('**Completed 2 of 2 tasks** · 10 rows so far'))).toBe(true);
  }, 300_000);
});
