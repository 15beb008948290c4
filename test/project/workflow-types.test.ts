/**
 * TypeScript authors get types for `meltano-temporal/workflow` (package.json `exports` "types", emitted by
 * `npm run build` with tsconfig.types.json): a small custom workflow in a scratch project that reaches the
 * package through node_modules, as an installed one does, type-checks with the real `tsc`; one that passes a
 * wrong option type or misuses a result's field is refused with its lines.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, requireFile } from '../helpers/run.js';

const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const DECLARATION = path.join(REPO_ROOT, 'dist', 'workflows', 'author.d.ts');

const GOOD = `import { meltanoRun, scheduledTime, type TaskResult } from 'meltano-temporal/workflow';

export async function nightly(): Promise<number> {
  const [a]: TaskResult[] = await Promise.all([meltanoRun('tap-a target-b'), meltanoRun(['dbt:run'])]);
  await meltanoRun('dbt:test', {
    env: { RUN_DATE: scheduledTime().toISOString() },
    retry: { maximumAttempts: 2, initialInterval: '10s' },
    timeout: '1h',
    runOptions: { fullRefresh: true },
    summary: 'tests',
  });
  return (a?.exitCode ?? 0) + Object.keys(a?.rowsPerStream ?? {}).length;
}
`;

const BAD = `import { meltanoRun } from 'meltano-temporal/workflow';

export async function nightly(): Promise<string> {
  const r = await meltanoRun('tap-a target-b', { retry: { maximumAttempts: 'three' } });
  return r.exitCode;
}
`;

/** A scratch project whose node_modules holds this package (a link, as `npm link` makes it). */
function scratch(source: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mt-workflow-types-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'meltano-temporal'));
  mkdirSync(path.join(dir, 'orchestrate', 'workflows'), { recursive: true });
  writeFileSync(path.join(dir, 'orchestrate', 'workflows', 'nightly.ts'), source);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      include: ['orchestrate/workflows'],
    }),
  );
  return dir;
}

describe('types of meltano-temporal/workflow', () => {
  it('a TypeScript custom workflow type-checks against the shipped declarations', async () => {
    requireFile(DECLARATION, 'run `npm run build`');
    const r = await execa(process.execPath, [TSC, '-p', scratch(GOOD)], { reject: false });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  });

  it('a wrong option type and a misused result are refused with their lines', async () => {
    requireFile(DECLARATION, 'run `npm run build`');
    const r = await execa(process.execPath, [TSC, '-p', scratch(BAD)], { reject: false });
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toMatch(/nightly\.ts\(4,\d+\): error TS2322: .*'string' is not assignable to type 'number'/u);
    expect(r.stdout).toMatch(/nightly\.ts\(5,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/u);
  });
});
