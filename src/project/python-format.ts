/**
 * Values written exactly as Python writes them, so that our `schedule list`
 * and `job list` output is byte for byte Meltano's: `json.dumps(value,
 * indent=2)` (ensure_ascii) and `repr()`.
 */
import { randomBytes } from 'node:crypto';

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

/** Python's JSON text of a number (`Infinity`, `NaN`, `1.0`, `1e-05`, exact big integers). */
function jsonNumber(value: PyFloat | PyInt | number): string {
  if (value instanceof PyInt) return value.toString();
  const x = value instanceof PyFloat ? value.value : value;
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return value instanceof PyFloat ? pyFloatRepr(x) : pyNumberRepr(x);
}

/**
 * Python's `json.dumps(value, indent=2)`: ensure_ascii, `": "` and `","`
 * separators. JSON.stringify lays it out (it indents, orders and escapes
 * quotes, backslashes and control characters as Python does); a number it
 * would write differently goes through a placeholder that is swapped for
 * Python's text; every UTF-16 unit from DEL up is then escaped, so a character
 * outside the BMP becomes its surrogate pair, as Python writes it.
 */
export function pythonJson(value: unknown): string {
  // A replacer slows JSON.stringify down several times: use one only when some number needs it.
  const tag = hasPythonOnlyNumber(value) ? `\u0000${randomBytes(6).toString('hex')}:` : undefined;
  const text = tag
    ? JSON.stringify(
        value,
        (_key: string, v: unknown): unknown => (isPythonOnlyNumber(v) ? `${tag}${jsonNumber(v)}` : v),
        2,
      )
    : JSON.stringify(value, null, 2);
  if (text === undefined) return 'null';
  // No `u` flag: the pattern must see UTF-16 units, not code points.
  const ascii = text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (!tag) return ascii;
  const escapedTag = JSON.stringify(tag).slice(1, -1).replace(/\\/gu, '\\\\');
  return ascii.replace(new RegExp(`"${escapedTag}([^"]*)"`, 'gu'), '$1');
}

/** A number JSON.stringify would not write as Python does. */
function isPythonOnlyNumber(v: unknown): v is PyFloat | PyInt | number {
  if (typeof v === 'number')
    return !(Number.isSafeInteger(v) && !Object.is(v, -0)) && jsonNumber(v) !== JSON.stringify(v);
  return v instanceof PyFloat || v instanceof PyInt;
}

function hasPythonOnlyNumber(value: unknown): boolean {
  if (isPythonOnlyNumber(value)) return true;
  if (Array.isArray(value)) return value.some(hasPythonOnlyNumber);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasPythonOnlyNumber);
  return false;
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
