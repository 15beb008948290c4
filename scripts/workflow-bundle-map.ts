/**
 * The inline source map at the end of a workflow bundle (`//# sourceMappingURL=data:...;base64,...`),
 * which the SDK's worker requires: it parses it on start and maps workflow stack traces through it.
 */
const MARKER = '//# sourceMappingURL=data:';

export interface SourceMap {
  version: number;
  sources: string[];
  sourcesContent?: Array<string | null>;
  mappings: string;
  [key: string]: unknown;
}

/** The bundle's code (without the map comment) and its source map. */
export function splitInlineSourceMap(bundle: string): { code: string; map: SourceMap } {
  const at = bundle.lastIndexOf(MARKER);
  const base64 = at >= 0 ? bundle.indexOf('base64,', at) : -1;
  if (base64 < 0) throw new Error('the workflow bundle has no inline source map');
  const json = Buffer.from(bundle.slice(base64 + 'base64,'.length).trimEnd(), 'base64').toString('utf8');
  return { code: bundle.slice(0, at), map: JSON.parse(json) as SourceMap };
}

/**
 * The bundle with its source map's `sourcesContent` (a copy of every bundled source file) left out:
 * file names and line mappings stay, so workflow stack traces still point at the sources; only the
 * SDK's optional `showStackTraceSources` (off here) would have shown their text.
 */
export function withoutSourceTexts(bundle: string): string {
  const { code, map } = splitInlineSourceMap(bundle);
  const trimmed: SourceMap = { ...map };
  delete trimmed.sourcesContent;
  return `${code}${MARKER}application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(trimmed)).toString('base64')}\n`;
}
