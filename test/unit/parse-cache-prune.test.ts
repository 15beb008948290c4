/**
 * The parse cache (src/project/parse-cache.ts) keeps at most PARSE_CACHE_MAX_ENTRIES entries: a write beyond
 * the cap drops the entries used longest ago, and a hit counts as a use.
 */
import { existsSync, mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PARSE_CACHE_MAX_ENTRIES,
  PARSE_CACHE_MIN_BYTES,
  parseCacheDir,
  readParsed,
  writeParsed,
} from '../../src/project/parse-cache.js';

/** A text large enough to be cached, different for each file. */
const textOf = (i: number): string => `# file ${i}\n${'x'.repeat(PARSE_CACHE_MIN_BYTES)}`;
const fileOf = (i: number): string => path.join(os.tmpdir(), `mt-prune-project-${i}`, 'meltano.yml');

describe('pruning the parse cache', () => {
  it('keeps the entries used last: a write past the cap drops the oldest, a read renews an entry', () => {
    const env = { XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), 'mt-prune-')) };
    const dir = parseCacheDir(env) ?? '';
    // The directory appears with the first write.
    const entries = (): string[] => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')) : []);

    // Entry i is the file written for project i, last used i minutes after an hour ago: 0 is the oldest.
    const entryOf: string[] = [];
    const hourAgo = Date.now() / 1000 - 3600;
    for (let i = 0; i < PARSE_CACHE_MAX_ENTRIES; i++) {
      const before = new Set(entries());
      writeParsed(fileOf(i), textOf(i), { i }, env);
      const added = entries().filter((n) => !before.has(n));
      expect(added).toHaveLength(1);
      entryOf.push(added[0] ?? '');
      utimesSync(path.join(dir, added[0] ?? ''), hourAgo + i * 60, hourAgo + i * 60);
    }
    expect(entries()).toHaveLength(PARSE_CACHE_MAX_ENTRIES);

    // A hit on the oldest makes it the newest; the next write past the cap then drops entry 1 instead.
    expect(readParsed(fileOf(0), textOf(0), env)).toEqual({ i: 0 });
    writeParsed(fileOf(PARSE_CACHE_MAX_ENTRIES), textOf(PARSE_CACHE_MAX_ENTRIES), { i: PARSE_CACHE_MAX_ENTRIES }, env);
    const kept = entries();
    expect(kept).toHaveLength(PARSE_CACHE_MAX_ENTRIES);
    expect(kept).toContain(entryOf[0]);
    expect(kept).not.toContain(entryOf[1]);
    expect(readParsed(fileOf(1), textOf(1), env)).toBeUndefined();
    expect(readParsed(fileOf(2), textOf(2), env)).toEqual({ i: 2 });
    expect(readParsed(fileOf(PARSE_CACHE_MAX_ENTRIES), textOf(PARSE_CACHE_MAX_ENTRIES), env)).toEqual({
      i: PARSE_CACHE_MAX_ENTRIES,
    });
  });
});
