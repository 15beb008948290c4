/**
 * Values written exactly as Python writes them, so that our `schedule list`
 * and `job list` output is byte for byte Meltano's: `json.dumps(value,
 * indent=2)` (ensure_ascii) and `repr()`.
 */

/** A YAML float: `String()` gives Python's `str(float)`, arithmetic gives the number. */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return pyFloatRepr(this.value);
  }
}

/** A YAML integer too large for a JavaScript number to hold exactly. */
export class PyInt {
  constructor(readonly value: bigint) {}
  valueOf(): number {
    return Number(this.value);
  }
  toString(): string {
    return this.value.toString();
  }
}

/**
 * Python's `repr(float)`: the shortest digits that read back the same number
 * (JavaScript finds the same digits), laid out Python's way: exponent form
 * below 1e-4 and from 1e16 on, with at least two exponent digits, and `.0`
 * on integral values.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const [mantissa = '0', exponentText = '0'] = Math.abs(x).toExponential().split('e');
  const exponent = Number(exponentText);
  const digits = mantissa.replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
}

/** Python's `repr(int)` of an integral JavaScript number (never in exponent form). */
function pyIntRepr(x: number): string {
  return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
}

function pyNumberRepr(x: number): string {
  return Number.isInteger(x) && !Object.is(x, -0) ? pyIntRepr(x) : pyFloatRepr(x);
}

/** One JSON string with `ensure_ascii`: every UTF-16 unit outside printable ASCII as `\uXXXX`. */
function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code === 0x22) out += '\\"';
    else if (code === 0x5c) out += '\\\\';
    else if (code >= 0x20 && code < 0x7f) out += s[i];
    else if (code === 0x0a) out += '\\n';
    else if (code === 0x0d) out += '\\r';
    else if (code === 0x09) out += '\\t';
    else if (code === 0x08) out += '\\b';
    else if (code === 0x0c) out += '\\f';
    // A character outside the BMP is two UTF-16 units: the surrogate pair, as Python writes it.
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

function jsonValue(value: unknown, indent: string): string | undefined {
  if (value === null) return 'null';
  if (value instanceof PyFloat) {
    const x = value.value;
    if (Number.isNaN(x)) return 'NaN';
    if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
    return pyFloatRepr(x);
  }
  if (value instanceof PyInt) return value.toString();
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
      return pyNumberRepr(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => `${inner}${jsonValue(v, inner) ?? 'null'}`);
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (value instanceof Date) return jsonString(value.toISOString());
  const entries = Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const text = jsonValue(v, inner);
    return text === undefined ? [] : [`${inner}${jsonString(k)}: ${text}`];
  });
  if (entries.length === 0) return '{}';
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

/** Python's `json.dumps(value, indent=2)`: ensure_ascii, `": "` and `","` separators. */
export function pythonJson(value: unknown): string {
  return jsonValue(value, '') ?? 'null';
}

// Python's str.isprintable() is false for these categories (the space excepted).
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr()` of a str. */
function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === ' ' || !NOT_PRINTABLE.test(ch)) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return quote + out + quote;
}

/** Python's `repr()` of the YAML values a tasks list can hold. */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return pyStrRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumberRepr(value);
  if (value instanceof PyFloat || value instanceof PyInt) return value.toString();
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  return String(value);
}
