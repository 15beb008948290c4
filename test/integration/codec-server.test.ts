/**
 * The codec server over real HTTP on 127.0.0.1, against a run recorded with
 * encryption on by a real worker on a real dev server; the official
 * `temporal workflow show --codec-endpoint` reads the history through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { AesGcmCodec } from '../../src/temporal/codec.js';
import { startCodecServer, type CodecServer, type JsonPayload } from '../../src/temporal/codec-server.js';
import { pipelineProject } from '../helpers/pipeline.js';
import { CLI, TEMPORAL, ours } from '../helpers/run.js';
import { freePort, sharedServer } from '../helpers/temporal.js';
import { waitForOutput } from '../helpers/wait.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import type { JobRunResult } from '../../workflows/types.js';

const KEY = randomBytes(32);
const TOKEN = 'test-token-0123456789';
const UI_ORIGIN = 'http://127.0.0.1:8233';
const server = sharedServer();
let worker: WorkerProcess;
let codecServer: CodecServer;
let dir: string;
let workflowId: string;
const refused: string[] = [];

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(`${codecServer.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': server.namespace, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

/** Every payload (input, result, ...) recorded in the raw history, as protobuf JSON. */
async function rawHistoryJson(): Promise<string> {
  const r = await execa(TEMPORAL, [
    'workflow',
    'show',
    '--workflow-id',
    workflowId,
    '--address',
    server.address,
    '--namespace',
    server.namespace,
    '--output',
    'json',
  ]);
  return r.stdout;
}

/** The json/plain payloads of `temporal workflow show --output json`, decoded to text. */
function plainPayloads(historyJson: string): string[] {
  const found: string[] = [];
  const plain = Buffer.from('json/plain').toString('base64');
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const p = v as JsonPayload;
      if (p.metadata?.encoding === plain && typeof p.data === 'string')
        found.push(Buffer.from(p.data, 'base64').toString());
      Object.values(v).forEach(walk);
    }
  };
  walk(JSON.parse(historyJson));
  return found;
}

beforeAll(async () => {
  dir = pipelineProject(`- name: count
  interval: '@daily'
  job: count
  env:
    TARGET_LINES_FILE: __DIR__/out.jsonl
    TAP_COUNT_ROWS: '4'
`);
  const queue = `codec-${process.pid}`;
  worker = startWorker(dir, server.env, queue, { MELTANO_TEMPORAL_ENCRYPTION_KEY: KEY.toString('base64') });
  await worker.ready;
  const client = await server.client({ dataConverter: { payloadCodecs: [new AesGcmCodec(KEY)] } });
  workflowId = `codec-run-${process.pid}`;
  const handle = await client.workflow.start('meltanoJob', {
    taskQueue: queue,
    workflowId,
    args: [{ projectRoot: dir, schedule: 'count' }],
  });
  const result = (await handle.result()) as JobRunResult;
  expect(result.tasks.map((t) => t.rowsPerStream)).toEqual([{ numbers: 4 }, { numbers: 4 }]);
  codecServer = await startCodecServer({
    codec: new AesGcmCodec(KEY),
    port: 0,
    uiOrigins: [UI_ORIGIN],
    token: TOKEN,
    namespaces: [server.namespace],
    log: (line) => refused.push(line),
  });
}, 180_000);

afterAll(async () => {
  await codecServer?.close();
  await worker?.stop('SIGTERM');
});

describe('codec server', () => {
  it('the raw history holds no plaintext input or result, only encrypted payloads', async () => {
    const raw = await rawHistoryJson();
    expect(raw).not.toContain(dir);
    expect(raw).not.toContain(Buffer.from(dir).toString('base64').slice(0, 12));
    expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
  });

  it('POST /decode returns the plaintext of a payload from the history', async () => {
    const plain = await server.client(); // no codec: sees what the server stores
    const history = await plain.workflow.getHandle(workflowId).fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(input).toBeDefined();
    const encoded: JsonPayload = {
      metadata: Object.fromEntries(
        Object.entries(input?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
      data: Buffer.from(input?.data ?? new Uint8Array()).toString('base64'),
    };
    const res = await post('/decode', { payloads: [encoded] }, { Authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    const decoded = (res.json as { payloads: JsonPayload[] }).payloads[0];
    expect(Buffer.from(decoded?.metadata?.encoding ?? '', 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(decoded?.data ?? '', 'base64').toString())).toEqual({
      projectRoot: dir,
      schedule: 'count',
    });
  });

  it('encode then decode gives the payload back; encode output is encrypted', async () => {
    const payload: JsonPayload = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('{"hello":"world"}').toString('base64'),
    };
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const enc = await post('/api/v1/encode', { payloads: [payload] }, auth); // only the last path segment counts
    expect(enc.status).toBe(200);
    const encrypted = (enc.json as { payloads: JsonPayload[] }).payloads;
    expect(Buffer.from(encrypted[0]?.metadata?.encoding ?? '', 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encrypted[0]?.data ?? '', 'base64').toString()).not.toContain('hello');
    const back = await post('/decode', { payloads: encrypted }, auth);
    expect((back.json as { payloads: JsonPayload[] }).payloads).toEqual([payload]);
  });

  it('`temporal workflow show --codec-endpoint` shows the decoded input and result', async () => {
    const args = [
      ...['workflow', 'show', '--workflow-id', workflowId, '--address', server.address],
      ...['--namespace', server.namespace, '--output', 'json'],
    ];
    const shown = await execa(TEMPORAL, [
      ...args,
      '--codec-endpoint',
      codecServer.url,
      '--codec-auth',
      `Bearer ${TOKEN}`,
    ]);
    const decoded = plainPayloads(shown.stdout);
    expect(decoded.some((p) => p.includes(dir) && p.includes('"schedule":"count"'))).toBe(true);
    expect(decoded.some((p) => p.includes('"rowsPerStream":{"numbers":4}'))).toBe(true);
    expect(plainPayloads(await rawHistoryJson()).some((p) => p.includes(dir))).toBe(false);
    // Without the token the codec server refuses the CLI, which then fails (its message is only a timeout).
    const before = refused.length;
    const refusedRun = await execa(TEMPORAL, [...args, '--codec-endpoint', codecServer.url], { reject: false });
    expect(refusedRun.exitCode).not.toBe(0);
    expect(refused.slice(before).some((l) => /^POST \/decode: 401 /u.test(l))).toBe(true);
    expect(refusedRun.stdout).not.toContain(dir);
  });

  it('refuses a missing or wrong token, another origin, another namespace; answers the UI origin with CORS', async () => {
    const body = { payloads: [] };
    expect((await post('/decode', body)).status).toBe(401);
    expect((await post('/decode', body, { Authorization: 'Bearer nope' })).status).toBe(401);
    const otherOrigin = await post('/decode', body, {
      Authorization: `Bearer ${TOKEN}`,
      Origin: 'http://evil.example:8233',
    });
    expect(otherOrigin.status).toBe(403);
    expect(otherOrigin.headers.get('access-control-allow-origin')).toBeNull();
    const otherNamespace = await post('/decode', body, { Authorization: `Bearer ${TOKEN}`, 'X-Namespace': 'prod' });
    expect(otherNamespace.status).toBe(403);
    expect(refused.some((l) => l.includes('evil.example'))).toBe(true);

    // The browser's preflight, then the real request, from the UI's origin.
    const preflight = await fetch(`${codecServer.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace,authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/iu);
    const ok = await post('/decode', body, { Authorization: `Bearer ${TOKEN}`, Origin: UI_ORIGIN });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(ok.json).toEqual({ payloads: [] });
  });

  it('a payload encrypted with another key is refused with a clear error, not garbage', async () => {
    const other = new AesGcmCodec(randomBytes(32));
    const [enc] = await other.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('1') }]);
    const res = await post(
      '/decode',
      {
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(enc?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
            ),
            data: Buffer.from(enc?.data ?? new Uint8Array()).toString('base64'),
          },
        ],
      },
      { Authorization: `Bearer ${TOKEN}` },
    );
    expect(res.status).toBe(422);
    expect((res.json as { error: string }).error).toMatch(/cannot decode/u);
  });
});

describe('meltano-temporal codec-server', () => {
  it('serves the codec with the key and token from the environment; refuses without a key', async () => {
    const port = await freePort();
    let output = '';
    const proc = execa('node', [CLI, 'codec-server', '--port', String(port), '--ui-origin', 'http://localhost:8233/'], {
      env: { MELTANO_TEMPORAL_ENCRYPTION_KEY: KEY.toString('base64'), MELTANO_TEMPORAL_CODEC_TOKEN: TOKEN },
      reject: false,
      all: true,
      buffer: false,
      stdin: 'ignore',
    });
    proc.all?.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await waitForOutput({ output: () => output, exitCode: () => proc.exitCode }, 'listening on', {
        timeoutMs: 20_000,
      });
      expect(output).toContain(`listening on http://127.0.0.1:${port}`);
      const [encrypted] = await new AesGcmCodec(KEY).encode([
        { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"from the worker"') },
      ]);
      const body = JSON.stringify({
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(encrypted?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
            ),
            data: Buffer.from(encrypted?.data ?? new Uint8Array()).toString('base64'),
          },
        ],
      });
      const call = (headers: Record<string, string>) =>
        fetch(`http://127.0.0.1:${port}/decode`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
          body,
        });
      expect((await call({})).status).toBe(401);
      expect((await call({ Authorization: `Bearer ${TOKEN}`, Origin: 'http://localhost:9999' })).status).toBe(403);
      const ok = await call({ Authorization: `Bearer ${TOKEN}`, Origin: 'http://localhost:8233' });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
      const decoded = ((await ok.json()) as { payloads: JsonPayload[] }).payloads[0];
      expect(Buffer.from(decoded?.data ?? '', 'base64').toString()).toBe('"from the worker"');
      expect(output).toMatch(/403 origin http:\/\/localhost:9999 is not allowed/u);
    } finally {
      proc.kill('SIGTERM');
      await proc;
    }
    expect(proc.exitCode).toBe(0);

    const noKey = await ours('/', ['codec-server', '--port', '0']);
    expect(noKey.exitCode).toBe(1);
    expect(noKey.stderr).toMatch(/needs MELTANO_TEMPORAL_ENCRYPTION_KEY/u);
  });
});
