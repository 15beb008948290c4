/**
 * The prebuilt workflow bundle keeps its inline source map (the SDK's worker requires one and maps
 * workflow stack traces through it) without the copies of the source files. The built bundle itself:
 * test/workflow/bundle-map.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { splitInlineSourceMap, withoutSourceTexts } from '../../scripts/workflow-bundle-map.js';

const inline = (map: object): string =>
  `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;

describe('workflow bundle source map', () => {
  it('leaves out sourcesContent and keeps the code, sources and mappings as they were', () => {
    const code = 'var x = 1;\n';
    const map = {
      version: 3,
      sources: ['a.ts', 'b.ts'],
      sourcesContent: ['const a = 1;', 'const b = 2;'],
      mappings: 'AAAA',
    };
    const out = withoutSourceTexts(code + inline(map));
    const split = splitInlineSourceMap(out);
    expect(split.code).toBe(code);
    expect(split.map).toEqual({ version: 3, sources: ['a.ts', 'b.ts'], mappings: 'AAAA' });
    expect(out).not.toContain(Buffer.from('const a = 1;').toString('base64').slice(0, 12));
  });

  it('a bundle without an inline source map is refused', () => {
    expect(() => withoutSourceTexts('var x = 1;\n')).toThrow(/no inline source map/u);
  });
});
