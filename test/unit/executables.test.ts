/** Tools found on PATH must be executable files: one without the execute bit is passed over, as the shell does. */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findExecutable } from '../../src/util/paths.js';

describe('findExecutable', () => {
  it('skips a file without the execute bit and a directory of that name', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mt-exe-'));
    const [plain, dir, good] = ['plain', 'dir', 'good'].map((d) => path.join(root, d)) as [string, string, string];
    for (const d of [plain, dir, good]) mkdirSync(d);
    writeFileSync(path.join(plain, 'mt-test-tool'), '#!/bin/sh\n', { mode: 0o644 });
    mkdirSync(path.join(dir, 'mt-test-tool'));
    writeFileSync(path.join(good, 'mt-test-tool'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findExecutable('mt-test-tool', undefined, [plain, dir, good].join(path.delimiter))).toBe(
      path.join(good, 'mt-test-tool'),
    );
    expect(findExecutable('mt-test-tool', undefined, [plain, dir].join(path.delimiter))).toBeUndefined();
  });
});
