/**
 * The project's `.env`, read as Meltano reads it (python-dotenv's
 * `dotenv_values`, interpolating): `KEY=value` lines, optional `export `,
 * single or double quotes (with their escapes, over several lines), `#`
 * comments, `${VAR}` and `${VAR:-default}` from the process environment and
 * the keys above. A line python-dotenv cannot parse is skipped, as it does; a
 * key without `=` has no value and is left out, as Meltano leaves it out.
 */
import { readFileSync, statSync } from 'node:fs';

interface Binding {
  key: string;
  value: string | null;
}

class ParseError extends Error {}

// The patterns python-dotenv uses, applied at the reader's position (sticky).
const MULTILINE_WHITESPACE = /\s*/uy;
const WHITESPACE = /[^\S\r\n]*/uy;
const EXPORT = /(?:export[^\S\r\n]+)?/uy;
const SINGLE_QUOTED_KEY = /'([^']+)'/uy;
const UNQUOTED_KEY = /([^=#\s]+)/uy;
const EQUAL_SIGN = /(=[^\S\r\n]*)/uy;
const SINGLE_QUOTED_VALUE = /'((?:\\[\s\S]|[^'\\])*)'/uy;
const DOUBLE_QUOTED_VALUE = /"((?:\\[\s\S]|[^"\\])*)"/uy;
const UNQUOTED_VALUE = /([^\r\n]*)/uy;
const COMMENT = /(?:[^\S\r\n]*#[^\r\n]*)?/uy;
const END_OF_LINE = /[^\S\r\n]*(?:\r\n|\n|\r|$)/uy;
const REST_OF_LINE = /[^\r\n]*(?:\r|\n|\r\n)?/uy;

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  hasNext(): boolean {
    return this.pos < this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.pos);
  }

  read(pattern: RegExp): string[] {
    pattern.lastIndex = this.pos;
    const match = pattern.exec(this.text);
    if (!match) throw new ParseError();
    this.pos += match[0].length;
    return match.slice(1).map((g) => g ?? '');
  }
}

function parseValue(reader: Reader): string {
  const ch = reader.peek();
  if (ch === "'") {
    const [value = ''] = reader.read(SINGLE_QUOTED_VALUE);
    return value.replace(/\\([\\'])/gu, '$1');
  }
  if (ch === '"') {
    const [value = ''] = reader.read(DOUBLE_QUOTED_VALUE);
    return value.replace(/\\([\\'"abfnrtv])/gu, (_, c: string) => DOUBLE_QUOTE_ESCAPES[c] ?? c);
  }
  if (ch === '' || ch === '\n' || ch === '\r') return '';
  const [part = ''] = reader.read(UNQUOTED_VALUE);
  return part.replace(/\s+#.*/u, '').trimEnd();
}

/** One `KEY=value` binding, or null for a blank, comment or unparsable line. */
function parseBinding(reader: Reader): Binding | null {
  try {
    reader.read(MULTILINE_WHITESPACE);
    if (!reader.hasNext()) return null;
    reader.read(EXPORT);
    let key: string | null = null;
    if (reader.peek() !== '#') [key = ''] = reader.read(reader.peek() === "'" ? SINGLE_QUOTED_KEY : UNQUOTED_KEY);
    reader.read(WHITESPACE);
    let value: string | null = null;
    if (reader.peek() === '=') {
      const [equalSign = '='] = reader.read(EQUAL_SIGN);
      // `KEY= # comment` is an empty value; `KEY=#x` is the value `#x`.
      value = equalSign.length > 1 && reader.peek() === '#' ? '' : parseValue(reader);
    }
    reader.read(COMMENT);
    reader.read(END_OF_LINE);
    return key === null ? null : { key, value };
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    reader.read(REST_OF_LINE);
    return null;
  }
}

const VARIABLE = /\$\{([^}:]*)(?::-([^}]*))?\}/gu;

/** The values of `.env` text: keys without a value are left out. */
export function parseDotEnv(text: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const reader = new Reader(text.startsWith('\ufeff') ? text.slice(1) : text);
  const values = new Map<string, string | null>();
  while (reader.hasNext()) {
    const binding = parseBinding(reader);
    if (!binding) continue;
    if (binding.value === null) {
      values.set(binding.key, null);
      continue;
    }
    // Interpolation sees the process environment, overridden by the keys read so far.
    const expanded = binding.value.replace(VARIABLE, (_, name: string, fallback: string | undefined) => {
      if (values.has(name)) return values.get(name) ?? '';
      const fromEnv = env[name];
      return fromEnv !== undefined ? fromEnv : (fallback ?? '');
    });
    values.set(binding.key, expanded);
  }
  const result: Record<string, string> = {};
  for (const [key, value] of values) if (value !== null) result[key] = value;
  return result;
}

/** The values of the `.env` file at `file` (none when it is missing or not a file). */
export function readDotEnv(file: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat || (!stat.isFile() && !stat.isFIFO())) return {};
  return parseDotEnv(readFileSync(file, 'utf8'), env);
}
