/**
 * Edits a YAML file by splicing its text, so that every byte outside the
 * entry being changed survives (comments, quoting, blank lines, key order).
 * Each edit is also applied to a parsed copy; the spliced text must parse to
 * exactly that data, or the edit falls back to re-serialising the document
 * (still comment-preserving). Either way the written data is what was meant.
 */
import { isDeepStrictEqual } from 'node:util';
import { meltanoKeyOrder } from './meltano-key-order.js';
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  stringify,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

interface Splice {
  start: number;
  end: number;
  text: string;
}

class CannotSplice extends Error {}

const STRINGIFY = { lineWidth: 0, singleQuote: true, indentSeq: false } as const;

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just after the end of the line holding `offset` (or the text end). */
function afterLine(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

function range(node: Node | null | undefined): [number, number, number] {
  const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
  if (!r) throw new CannotSplice('node without source range');
  return r;
}

/** End of a node's text including the rest of its last line. */
function nodeEnd(text: string, node: Node): number {
  return afterLine(text, range(node)[1]);
}

function indent(snippet: string, by: number, firstLine = true): string {
  const pad = ' '.repeat(by);
  return snippet
    .split('\n')
    .map((line, i) => (line === '' || (i === 0 && !firstLine) ? line : pad + line))
    .join('\n');
}

/** Column of the `-` that introduces a block sequence item. */
function dashOffset(text: string, item: Node): number {
  let i = range(item)[0] - 1;
  while (i >= 0 && text[i] === ' ') i--;
  if (text[i] !== '-') throw new CannotSplice('sequence item is not introduced by a dash');
  return i;
}

function topPair(doc: Document, key: string): Pair | undefined {
  const contents = doc.contents;
  if (!isMap(contents)) return undefined;
  return contents.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;
}

function blockSeq(doc: Document, key: string): YAMLSeq | undefined {
  const pair = topPair(doc, key);
  if (!pair) return undefined;
  if (!isSeq(pair.value)) throw new CannotSplice(`${key} is not a sequence`);
  if (pair.value.flow) throw new CannotSplice(`${key} is a flow sequence`);
  return pair.value;
}

function itemMap(seq: YAMLSeq, index: number): YAMLMap {
  const item = seq.items[index];
  if (!isMap(item) || item.flow) throw new CannotSplice('entry is not a block mapping');
  return item;
}

function ensureTrailingNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

/** Splices for appending `entry` to the top-level list `key`. */
function appendSplices(text: string, doc: Document, key: string, entry: unknown): Splice[] {
  const pair = topPair(doc, key);
  const snippet = stringify([entry], STRINGIFY);
  if (!pair) {
    const prefix = text === '' || text.endsWith('\n') ? '' : '\n';
    return [{ start: text.length, end: text.length, text: `${prefix}${key}:\n${snippet}` }];
  }
  const value = pair.value as Node | null;
  if (
    value === null ||
    (isScalar(value) && value.value === null) ||
    (isSeq(value) && value.flow && value.items.length === 0)
  ) {
    // `jobs:` with nothing, `jobs: null` or `jobs: []`: the list starts on the next line.
    const keyEnd = range(pair.key as Node)[1];
    const colon = text.indexOf(':', keyEnd);
    return [{ start: colon + 1, end: afterLine(text, colon), text: `\n${snippet}` }];
  }
  const seq = blockSeq(doc, key);
  const last = seq?.items[seq.items.length - 1];
  if (!seq || !last) throw new CannotSplice('empty sequence');
  const first = seq.items[0] as Node;
  const column = dashOffset(text, first) - lineStart(text, dashOffset(text, first));
  const at = nodeEnd(text, last as Node);
  const lead = at === text.length && !text.endsWith('\n') ? '\n' : '';
  return [{ start: at, end: at, text: lead + indent(snippet, column) }];
}

function removeSplices(text: string, doc: Document, key: string, index: number): Splice[] {
  const seq = blockSeq(doc, key);
  const item = seq?.items[index] as Node | undefined;
  if (!seq || !item) throw new CannotSplice('no such entry');
  const start = lineStart(text, dashOffset(text, item));
  const end = nodeEnd(text, item);
  if (seq.items.length > 1) return [{ start, end, text: '' }];
  // The last entry goes: keep the key with an empty list, as Meltano does.
  const pair = topPair(doc, key) as Pair;
  const colon = text.indexOf(':', range(pair.key as Node)[1]);
  const keyLineEnd = afterLine(text, colon);
  return [
    { start, end, text: '' },
    { start: colon + 1, end: keyLineEnd, text: ' []\n' },
  ];
}

/** Where a pair's text starts and ends, and whether it shares its first line with a `- `. */
function pairBounds(text: string, pair: Pair): { start: number; end: number; column: number; firstIndented: boolean } {
  const keyStart = range(pair.key as Node)[0];
  const ls = lineStart(text, keyStart);
  const column = keyStart - ls;
  const shared = text.slice(ls, keyStart).trim() !== '';
  const valueNode = pair.value as Node | null;
  const end = valueNode ? nodeEnd(text, valueNode) : afterLine(text, keyStart);
  return { start: shared ? keyStart : ls, end, column, firstIndented: !shared };
}

/** Canonical order of keys Meltano writes; a new key goes after its closest predecessor. */
const KEY_ORDER = ['name', 'interval', 'env', 'job', 'extractor', 'loader', 'transform', 'tasks'];

function setSplices(
  text: string,
  doc: Document,
  key: string,
  index: number,
  changes: Record<string, unknown>,
): Splice[] {
  const seq = blockSeq(doc, key);
  if (!seq) throw new CannotSplice('no such list');
  const map = itemMap(seq, index);
  const splices: Splice[] = [];
  for (const [field, value] of Object.entries(changes)) {
    const pair = map.items.find((p) => isScalar(p.key) && p.key.value === field) as Pair | undefined;
    if (pair) {
      const b = pairBounds(text, pair);
      const snippet = value === undefined ? '' : stringify({ [field]: value }, STRINGIFY);
      if (value === undefined && !b.firstIndented) throw new CannotSplice('cannot remove the first key of an entry');
      splices.push({ start: b.start, end: b.end, text: indent(snippet, b.column, b.firstIndented) });
      continue;
    }
    if (value === undefined) continue;
    const pairs = map.items.filter(isPair) as Pair[];
    const rank = KEY_ORDER.indexOf(field);
    let after = pairs[pairs.length - 1];
    if (rank >= 0) {
      const before = pairs.filter((p) => {
        const r = KEY_ORDER.indexOf(String((p.key as { value?: unknown }).value));
        return r >= 0 && r < rank;
      });
      after = before[before.length - 1] ?? after;
    }
    if (!after) throw new CannotSplice('empty mapping');
    const firstKey = range(pairs[0]?.key as Node)[0];
    const column = firstKey - lineStart(text, firstKey);
    const at = pairBounds(text, after).end;
    splices.push({ start: at, end: at, text: indent(stringify({ [field]: value }, STRINGIFY), column) });
  }
  return splices;
}

/**
 * The entry `index` of `key` with its keys in Meltano's order (see
 * meltano-key-order.ts): each key's lines (its value and the comment lines
 * after it) move as they are. Unchanged when already in that order.
 */
function reorderEntry(text: string, key: string, index: number): string {
  const doc = parseDocument(text);
  const seq = blockSeq(doc, key);
  if (!seq) throw new CannotSplice('no such list');
  const map = itemMap(seq, index);
  const pairs = map.items.filter(isPair) as Pair[];
  const keys = pairs.map((p) => String((p.key as { value?: unknown }).value));
  const jobValue = map.get('job');
  const order = meltanoKeyOrder(key, keys, jobValue !== undefined && jobValue !== null && jobValue !== '');
  if (order.every((k, i) => k === keys[i])) return text;
  const starts = pairs.map((p) => range(p.key as Node)[0]);
  const last = pairs[pairs.length - 1] as Pair;
  const end = pairBounds(text, last).end;
  const column = (starts[0] as number) - lineStart(text, starts[0] as number);
  const chunks = new Map<string, string>();
  pairs.forEach((_p, i) => {
    const next = starts[i + 1];
    const chunk = text.slice(starts[i], next === undefined ? end : lineStart(text, next));
    chunks.set(keys[i] as string, ensureTrailingNewline(chunk));
  });
  const body = order.map((k, i) => (i === 0 ? '' : ' '.repeat(column)) + (chunks.get(k) as string)).join('');
  return text.slice(0, starts[0]) + body + text.slice(end);
}

function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of sorted) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/** Detect whether the file indents sequences under their key (`jobs:\n  - x`). */
function indentsSequences(text: string): boolean {
  return /^[A-Za-z_][\w-]*:[ \t]*\n[ \t]+- /mu.test(text);
}

export type YamlEdit =
  | { op: 'append'; key: string; entry: Record<string, unknown> }
  | { op: 'remove'; key: string; index: number }
  | { op: 'set'; key: string; index: number; changes: Record<string, unknown> }
  /** Add a top-level scalar key at the end of the file (as Meltano adds `project_id`). */
  | { op: 'addTop'; key: string; value: string };

function applyToDocument(doc: Document, edit: YamlEdit): void {
  if (edit.op === 'addTop') {
    doc.set(edit.key, edit.value);
    return;
  }
  if (edit.op === 'append') {
    const existing = doc.get(edit.key, true) as Node | undefined;
    if (!isSeq(existing)) doc.set(edit.key, doc.createNode([]));
    (doc.get(edit.key, true) as YAMLSeq).add(doc.createNode(edit.entry));
    return;
  }
  const seq = doc.get(edit.key, true);
  if (!isSeq(seq)) throw new Error(`internal: ${edit.key} is not a list`);
  if (edit.op === 'remove') {
    seq.items.splice(edit.index, 1);
    return;
  }
  const map = seq.items[edit.index];
  if (!isMap(map)) throw new Error('internal: entry is not a mapping');
  for (const [field, value] of Object.entries(edit.changes)) {
    if (value === undefined) map.delete(field);
    else map.set(field, doc.createNode(value));
  }
}

/** A new last line `key: value` (checked like every splice: the fallback re-renders). */
function addTopSplices(text: string, original: Document, key: string, value: string): Splice[] {
  if (!isMap(original.contents) || original.has(key)) throw new CannotSplice();
  const line = `${key}: ${stringify(value, STRINGIFY).trimEnd()}\n`;
  return [{ start: text.length, end: text.length, text: text.endsWith('\n') || text === '' ? line : `\n${line}` }];
}

/** The new text of a file after `edit`; untouched bytes stay as they were whenever possible. */
export function editYamlText(text: string, edit: YamlEdit): string {
  const original = parseDocument(text);
  const expectedDoc = parseDocument(text);
  applyToDocument(expectedDoc, edit);
  const expected: unknown = expectedDoc.toJS();
  try {
    let splices: Splice[];
    if (edit.op === 'addTop') splices = addTopSplices(text, original, edit.key, edit.value);
    else if (edit.op === 'append') splices = appendSplices(text, original, edit.key, edit.entry);
    else if (edit.op === 'remove') splices = removeSplices(text, original, edit.key, edit.index);
    else splices = setSplices(text, original, edit.key, edit.index, edit.changes);
    let spliced = applySplices(text, splices);
    // Meltano writes the entry it rewrites in its own key order.
    if (edit.op === 'set') spliced = reorderEntry(spliced, edit.key, edit.index);
    const check = parseDocument(spliced);
    if (check.errors.length === 0 && isDeepStrictEqual(check.toJS(), expected)) return spliced;
  } catch (err) {
    if (!(err instanceof CannotSplice)) throw err;
  }
  const fallback = expectedDoc.toString({ lineWidth: 0, indentSeq: indentsSequences(text) });
  return ensureTrailingNewline(fallback);
}
