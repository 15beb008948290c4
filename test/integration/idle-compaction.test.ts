/**
 * A real worker process on a real dev server gives memory back once it is
 * idle: its debug log reports a full collection (the heap in use before and
 * after it, and resident memory), a few seconds after it started polling (src/temporal/idle-compaction.ts).
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { makeProject } from '../helpers/project.js';
import { CLI } from '../helpers/run.js';
import { sharedServer } from '../helpers/temporal.js';

const server = sharedServer();

describe('worker idle compaction', () => {
  it('collects once the worker is idle and reports the heap in use before and after and its resident memory', async () => {
    const dir = makeProject({
      'meltano.yml':
        'version: 1\nproject_id: 3f9a1c2b-0000-4000-8000-0000000000c1\njobs:\n- name: j\n  tasks:\n  - tap-a target-b\n',
    });
    const proc = execa('node', [CLI, 'worker', '--log-format', 'json', '--log-level', 'debug'], {
      cwd: dir,
      env: server.env,
      reject: false,
      stdin: 'ignore',
      timeout: 90_000,
    });
    let stderr = '';
    const compacted = await new Promise<Record<string, unknown> | undefined>((resolve) => {
      proc.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const line = stderr.split('\n').find((l) => l.includes('idle: full garbage collection'));
        if (line) resolve(JSON.parse(line) as Record<string, unknown>);
      });
      void proc.then(() => resolve(undefined));
    });
    proc.kill('SIGTERM');
    const r = await proc;
    expect(r.timedOut, stderr).toBe(false);
    expect(compacted, stderr).toBeDefined();
    expect(compacted?.level).toBe('DEBUG');
    const m = /^idle: full garbage collection, heap used (\d+) MiB -> (\d+) MiB, resident memory now (\d+) MiB$/u.exec(
      String(compacted?.message),
    );
    expect(m, String(compacted?.message)).not.toBeNull();
    expect(Number(m?.[2])).toBeLessThanOrEqual(Number(m?.[1]));
    expect(Number(m?.[3])).toBeGreaterThan(0);
    // It came after the worker was polling, not during its start.
    expect(stderr.indexOf('polling task queue')).toBeGreaterThan(-1);
    expect(stderr.indexOf('polling task queue')).toBeLessThan(stderr.indexOf('idle: full garbage collection'));
  });
});
