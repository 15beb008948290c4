/**
 * Each run records what ran: a hash of meltano.yml (with its includes) as the worker loaded
 * it, the git commit and a dirty flag, the meltano version, the used plugins' pip_url
 * (credentials masked) and the worker; `runs --format json` and `runs` show it. A git
 * project is edited and committed between runs. Real dev server, worker and `meltano`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { pipelineProject } from '../helpers/pipeline.js';
import { sharedServer } from '../helpers/temporal.js';
import { startWorker, type WorkerProcess } from '../helpers/worker.js';
import { cliEnv, meltano, ours } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

const server = sharedServer();
const QUEUE = 'provenance-test';
let dir: string;
let env: Record<string, string>;
let worker: WorkerProcess;

const cli = (args: string[]) => ours(dir, args, env);
const git = async (...args: string[]): Promise<string> => {
  const r = await execa('git', ['-C', dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args]);
  return String(r.stdout).trim();
};

interface Provenance {
  configHash: string;
  configFiles: string[];
  git?: { commit: string; dirty: boolean };
  meltanoVersion?: string;
  plugins: Array<{ name: string; pipUrl?: string }>;
  worker: { identity: string; version: string };
}
interface Listed {
  runs: Array<{ workflowId: string; status: string; provenance: Provenance | null }>;
}

/** Run the schedule to its end, then its newest run's provenance as `runs --format json` shows it. */
async function runAndRead(count: number): Promise<{ provenance: Provenance; json: string }> {
  const r = await cli(['schedule', 'run', 'nightly']);
  expect(r.exitCode, r.stderr).toBe(0);
  return waitFor(
    `${count} completed run(s) listed`,
    async () => {
      const out = await cli(['runs', 'nightly', '--format=json']);
      const runs = (JSON.parse(out.stdout) as Listed).runs;
      const newest = runs[0];
      return runs.length >= count && newest?.provenance && { provenance: newest.provenance, json: out.stdout };
    },
    { timeoutMs: 60_000, intervalMs: 1000 },
  );
}

beforeAll(async () => {
  dir = pipelineProject(
    `- name: nightly
  interval: '@daily'
  job: one
  annotations:
    temporal:
      paused: true
`,
    `- name: one
  tasks:
  - tap-count target-lines
`,
  );
  const file = path.join(dir, 'meltano.yml');
  writeFileSync(
    file,
    // A project_id as `meltano init` writes one: without it, meltano adds one to meltano.yml (the tree turns dirty).
    `project_id: 0d5c6a8e-0000-4000-8000-00000000beef\n${readFileSync(file, 'utf8')}`.replace(
      '    namespace: tap_count\n',
      '    namespace: tap_count\n    pip_url: git+https://user:s3cr3t-token@example.com/tap-count.git\n',
    ),
  );
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-qm', 'first');
  env = cliEnv(server.env, 'prov', QUEUE);
  worker = startWorker(dir, server.env, QUEUE);
  await worker.ready;
  const sync = await cli(['sync']);
  expect(sync.exitCode, sync.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  await worker?.stop();
});

describe('run provenance', { timeout: 240_000 }, () => {
  it('two runs around an edit and a commit show two hashes and two commits; never the pip_url secret', async () => {
    const first = await runAndRead(1);
    const firstCommit = await git('rev-parse', 'HEAD');
    const version = (await meltano(dir, ['--version'])).stdout.trim();
    expect(first.provenance).toMatchObject({
      configFiles: ['meltano.yml'],
      git: { commit: firstCommit, dirty: false },
      meltanoVersion: version,
      plugins: [{ name: 'tap-count', pipUrl: 'git+https://***@example.com/tap-count.git' }, { name: 'target-lines' }],
    });
    expect(first.provenance.configHash).toMatch(/^[0-9a-f]{16}$/u);
    expect(first.provenance.worker.identity).toMatch(/^\d+@/u);

    const file = path.join(dir, 'meltano.yml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}# an edit\n`);
    await git('commit', '-qam', 'second');
    const second = await runAndRead(2);
    const secondCommit = await git('rev-parse', 'HEAD');
    expect(secondCommit).not.toBe(firstCommit);
    expect(second.provenance.git).toEqual({ commit: secondCommit, dirty: false });
    expect(second.provenance.configHash).not.toBe(first.provenance.configHash);

    // Both runs keep what they ran.
    const all = (JSON.parse((await cli(['runs', 'nightly', '--format=json'])).stdout) as Listed).runs;
    expect(all.map((r) => [r.provenance?.configHash, r.provenance?.git?.commit])).toEqual([
      [second.provenance.configHash, secondCommit],
      [first.provenance.configHash, firstCommit],
    ]);
    expect(first.json + second.json).not.toContain('s3cr3t-token');

    const text = await cli(['runs', 'nightly']);
    expect(text.stdout).toContain(
      `  ran      config ${second.provenance.configHash}, git ${secondCommit.slice(0, 7)}, ${version.replace('meltano, version ', 'meltano ')}, worker ${second.provenance.worker.identity}`,
    );
  });

  it('an edit not committed marks the run dirty', async () => {
    const file = path.join(dir, 'meltano.yml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}# not committed\n`);
    const third = await runAndRead(3);
    expect(third.provenance.git).toEqual({ commit: await git('rev-parse', 'HEAD'), dirty: true });
  });
});
