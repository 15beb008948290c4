/**
 * The built workflow bundle (`npm run build`) keeps its inline source map without the copies of
 * the source files (scripts/workflow-bundle-map.ts; its logic: test/unit/workflow-bundle-map.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { splitInlineSourceMap } from '../../scripts/workflow-bundle-map.js';
import { REPO_ROOT, requireFile } from '../helpers/run.js';

describe('the built workflow bundle', () => {
  it('dist/workflow-bundle.js maps to our workflow sources and carries no source texts', () => {
    const file = path.join(REPO_ROOT, 'dist', 'workflow-bundle.js');
    requireFile(file, 'run `npm run build`');
    const { code, map } = splitInlineSourceMap(readFileSync(file, 'utf8'));
    expect(map.sourcesContent).toBeUndefined();
    expect(map.sources.some((s) => s.endsWith('workflows/index.ts'))).toBe(true);
    expect(map.mappings.length).toBeGreaterThan(1000);
    expect(code).toContain('function meltanoJob(');
  });
});
