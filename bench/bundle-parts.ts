/** What a workflow bundle is made of: its code by package, and its inline source map. */
import { splitInlineSourceMap } from '../scripts/workflow-bundle-map.js';

export interface BundleParts {
  codeBytes: number;
  sourceMapBytes: number;
  /** Decoded size of the source map's copies of the source files. */
  sourcesContentBytes: number;
  byPackage: Array<{ name: string; bytes: number }>;
}

/** Webpack's module headers in a development bundle: a line `/***\/ "./node_modules/pkg/file.js"`. */
const MODULE_HEADER = /^\/\*\*\*\/ "([^"]+)"$/gmu;

export function bundleParts(bundle: string): BundleParts {
  const { code, map } = splitInlineSourceMap(bundle);
  const headers = [...code.matchAll(MODULE_HEADER)];
  const byPackage = new Map<string, number>();
  headers.forEach((h, i) => {
    const end = headers[i + 1]?.index ?? code.length;
    const id = h[1] ?? '';
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/u.exec(id)?.[1] ?? (id.startsWith('./dist/') ? 'ours' : '(other)');
    byPackage.set(name, (byPackage.get(name) ?? 0) + end - (h.index ?? 0));
  });
  return {
    codeBytes: Buffer.byteLength(code),
    sourceMapBytes: Buffer.byteLength(bundle) - Buffer.byteLength(code),
    sourcesContentBytes: (map.sourcesContent ?? []).reduce((sum, s) => sum + Buffer.byteLength(s ?? ''), 0),
    byPackage: [...byPackage.entries()].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
  };
}
