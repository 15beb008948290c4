/**
 * YAML scalars as Meltano's YAML loader (ruamel, YAML 1.2) holds them, where a
 * JavaScript number would lose what Python keeps: a float stays a float
 * (`1.0` is written back `1.0`, not `1`) and an integer beyond 2^53 stays
 * exact. A date stays the text that was written (Python would hold a date,
 * which Meltano cannot even print as JSON).
 *
 * Only a schedule's `env` values and its `interval` keep these boxes (they
 * are printed by `schedule list`, and the env values passed to `meltano
 * run`); everywhere else the loader turns them back into plain numbers.
 */
import * as jsYaml from 'js-yaml';
import { PyFloat, PyInt } from './python-format.js';

// js-yaml exports its built-in types, but its type declarations do not say so.
const types = (jsYaml as unknown as { types: Record<'timestamp', jsYaml.Type> }).types;
const { DEFAULT_SCHEMA, Type } = jsYaml;

let boxed = 0;

// Meltano's loader (ruamel) resolves plain scalars with the YAML 1.2 patterns below, which
// differ from js-yaml's at the edges (`-.5` is a float, `1_` an integer, `0X1F` a string).
const INT_PATTERN = /^(?:[-+]?0b[01_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/u;
const FLOAT_PATTERN =
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/u;

/** An integer as ruamel reads it under YAML 1.2: `0b`, `0o`, `0x` prefixes; a leading zero alone is still decimal. */
function constructInt(data: string): unknown {
  let digits = data.replace(/_/gu, '');
  const negative = digits.startsWith('-');
  if (digits.startsWith('-') || digits.startsWith('+')) digits = digits.slice(1);
  if (!digits || /^0[bxo]$/u.test(digits)) return data;
  const magnitude = /^0[bxo]/u.test(digits) ? BigInt(digits) : BigInt(digits.replace(/^0+(?=\d)/u, ''));
  const value = negative ? -magnitude : magnitude;
  if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
    // -0 is the integer 0 in Python.
    return Number(value) || 0;
  }
  boxed++;
  return new PyInt(value);
}

function constructFloat(data: string): PyFloat {
  let text = data.replace(/_/gu, '').toLowerCase();
  const sign = text.startsWith('-') ? -1 : 1;
  if (text.startsWith('-') || text.startsWith('+')) text = text.slice(1);
  boxed++;
  if (text === '.inf') return new PyFloat(sign * Infinity);
  if (text === '.nan') return new PyFloat(NaN);
  return new PyFloat(sign * Number(text));
}

// Like ruamel, look at the pattern only when the first character can start a number.
const NUMBER_START = new Set('-+0123456789.');

const floatType = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && NUMBER_START.has(data.charAt(0)) && FLOAT_PATTERN.test(data),
  construct: constructFloat,
});

const intType = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && NUMBER_START.has(data.charAt(0)) && INT_PATTERN.test(data),
  construct: constructInt,
});

const timestampAsText = new Type('tag:yaml.org,2002:timestamp', {
  kind: 'scalar',
  resolve: (data: string) => types.timestamp.resolve(data),
  construct: (data: string) => data,
});

/** js-yaml's default schema with the three types above in place of its own. */
export const MELTANO_YAML_SCHEMA = DEFAULT_SCHEMA.extend({ implicit: [timestampAsText, floatType, intType] });

/** How many boxes the schema has made so far (to skip the unboxing walk when there are none). */
export function boxedCount(): number {
  return boxed;
}

/** The plain JavaScript value: numbers for boxes, recursively, in place. */
export function plainValues(value: unknown): unknown {
  if (value instanceof PyFloat || value instanceof PyInt) return value.valueOf();
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = plainValues(value[i]);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = plainValues(record[key]);
  }
  return value;
}

/** Unbox every value of a parsed project file except each schedule's `env` values and `interval`. */
export function plainExceptScheduleEnv(data: Record<string, unknown>): void {
  for (const key of Object.keys(data)) {
    if (key !== 'schedules' || !Array.isArray(data[key])) {
      data[key] = plainValues(data[key]);
      continue;
    }
    for (const entry of data[key] as unknown[]) {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue;
      const schedule = entry as Record<string, unknown>;
      for (const field of Object.keys(schedule)) {
        if (field !== 'env' && field !== 'interval') schedule[field] = plainValues(schedule[field]);
      }
    }
  }
}
