// Removes the compiled output before a build. tsc never deletes what it emitted for a
// source file that has since moved or gone, so a stale dist/ could keep a test green
// locally that fails on a clean clone (it did: dist/src/cli/context.js after a move).
// The wheel in dist/python/ is kept: it has its own inputs check.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
for (const entry of ['src', 'workflows', 'activities', 'scripts', 'bench', 'cli', 'workflow-bundle.js']) {
  rmSync(path.join(dist, entry), { recursive: true, force: true });
}
