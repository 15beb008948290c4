/** `up`'s watch of the custom workflows folder (src/project/workflow-watch.ts), on real folders. */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { watchWorkflowFolder, type WorkflowWatcher } from '../../src/project/workflow-watch.js';
import { makeProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait.js';

let watcher: WorkflowWatcher | undefined;
afterEach(() => watcher?.close());

describe('watchWorkflowFolder', () => {
  it('reports changed workflow files, helpers in subfolders included; not other files', async () => {
    const dir = makeProject({ 'orchestrate/workflows/a.ts': 'export async function a() {}\n' });
    const seen: string[][] = [];
    watcher = watchWorkflowFolder(path.join(dir, 'orchestrate', 'workflows'), (files) => seen.push(files), {
      root: dir,
      debounceMs: 200,
    });
    writeFileSync(path.join(dir, 'orchestrate', 'workflows', 'notes.md'), 'x');
    writeFileSync(path.join(dir, 'orchestrate', 'workflows', 'a.ts'), 'export async function a() { return 1; }\n');
    mkdirSync(path.join(dir, 'orchestrate', 'workflows', 'lib'));
    writeFileSync(path.join(dir, 'orchestrate', 'workflows', 'lib', 'help.js'), 'export const x = 1;\n');
    await waitFor('a reported change', () => seen.length > 0, 10_000);
    await waitFor('both files reported', () => seen.flat().includes('orchestrate/workflows/lib/help.js'), 10_000);
    expect(seen.flat()).toContain('orchestrate/workflows/a.ts');
    expect(seen.flat()).not.toContain('orchestrate/workflows/notes.md');
  });

  it('sees the folder appear when it did not exist at start', async () => {
    const dir = makeProject({ 'meltano.yml': 'jobs: []\n' });
    const seen: string[][] = [];
    watcher = watchWorkflowFolder(path.join(dir, 'orchestrate', 'workflows'), (files) => seen.push(files), {
      root: dir,
      debounceMs: 200,
    });
    mkdirSync(path.join(dir, 'orchestrate', 'workflows'), { recursive: true });
    await waitFor('the new folder reported', () => seen.length > 0, 10_000);
    // Now the folder itself is watched: a file in it is reported by name.
    writeFileSync(path.join(dir, 'orchestrate', 'workflows', 'late.ts'), 'export async function late() {}\n');
    await waitFor('the new file reported', () => seen.flat().includes('orchestrate/workflows/late.ts'), 10_000);
  });
});
