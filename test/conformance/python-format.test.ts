/**
 * Values written the way Python writes them: `json.dumps(..., indent=2)` of what
 * Meltano's YAML loader reads, and `repr()` of task strings. Compared with the
 * real Python and Meltano's own YAML module, value by value.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import path from 'node:path';
import { parseProjectFile } from '../../src/project/files.js';
import { pyRepr, pythonJson } from '../../src/project/python-format.js';
import { VENV_BIN, requireFile } from '../helpers/run.js';

/** YAML scalars as they may appear as a schedule's env value. */
const SCALARS = [
  '1.0',
  '2.50',
  '1e3',
  '1E3',
  '1e20',
  '1e16',
  '1e15',
  '123456789012345.0',
  '1234567890123456.0',
  '0.00001',
  '0.0001',
  '1.5e-7',
  '0.1',
  '-0.0',
  '+1.5',
  '.5',
  '-.5',
  '5.',
  '1_000.5',
  '.inf',
  '-.inf',
  '+.inf',
  '.nan',
  '.NaN',
  '42',
  '-7',
  '0',
  '012',
  '0x1F',
  '0o17',
  '1_000',
  '1_',
  '0X1F',
  '0b101',
  '-0x1f',
  '+012',
  '0o',
  '.5e+3',
  '.5e3',
  '1e+3',
  '12345678901234567890',
  '-98765432109876543210',
  '9007199254740993',
  '0x1FFFFFFFFFFFFFFFF',
  'true',
  'yes',
  '~',
  'null',
  '"😀"',
  '"a 𝄞 b \\U0001F680"',
  '"\\x7f \\x01 \\t \\n \\r \\b \\f"',
  '"\\u00a0 \\u200b \\u2028 \\ufeff é"',
  '"quote \\" backslash \\\\ slash /"',
  '[1, 2.0, {a: 1.5e300}]',
];

function yamlDoc(values: readonly string[]): string {
  return `schedules:\n- name: s\n  env:\n${values.map((v, i) => `    V${i}: ${v}\n`).join('')}`;
}

async function python(script: string, input: string): Promise<string> {
  const py = path.join(VENV_BIN, 'python');
  requireFile(py);
  const r = await execa(py, ['-c', script], { input });
  return r.stdout;
}

describe("pythonJson writes what Python's json.dumps writes", () => {
  it(`agrees on ${SCALARS.length} YAML values read as Meltano reads them`, async () => {
    const doc = yamlDoc(SCALARS);
    const theirs = await python(
      [
        'import json, sys',
        'from meltano.core.yaml import yaml',
        'data = yaml.load(sys.stdin.read())',
        'print(json.dumps(data["schedules"][0]["env"], indent=2))',
      ].join('\n'),
      doc,
    );
    const file = parseProjectFile('/p/x.yml', '/p', doc);
    const env = (file.data as { schedules: Array<{ env: unknown }> }).schedules[0]?.env;
    // Line by line first, so a failure names the value.
    const mineLines = pythonJson(env).split('\n');
    const theirLines = theirs.split('\n');
    for (const [i, line] of theirLines.entries()) expect(mineLines[i], SCALARS[i - 1]).toBe(line);
    expect(pythonJson(env)).toBe(theirs);
  });

  it("passes each number on as Python's str() gives it (the text a run's environment receives)", async () => {
    const numbers = SCALARS.filter((v) => /^[-+.0-9]/u.test(v) && v !== '0o');
    const doc = yamlDoc(numbers);
    const theirs = await python(
      [
        'import sys',
        'from meltano.core.yaml import yaml',
        'data = yaml.load(sys.stdin.read())',
        'for v in data["schedules"][0]["env"].values(): print(str(v))',
      ].join('\n'),
      doc,
    );
    const file = parseProjectFile('/p/x.yml', '/p', doc);
    const env = (file.data as { schedules: Array<{ env: Record<string, unknown> }> }).schedules[0]?.env ?? {};
    expect(Object.values(env).map((v) => String(v))).toEqual(theirs.split('\n'));
  });
});

describe("pyRepr writes what Python's repr writes", () => {
  const STRINGS = [
    'tap target',
    "it's",
    'say "hi"',
    'both \' and "',
    'tab\there',
    'nbsp\u00a0zwsp\u200bline\u2028para\u2029',
    'bom\ufeff soft\u00adhyphen',
    'del\u007f c1\u0085 \u009f',
    'emoji 😀 𝄞',
    'private \ue000 unassigned \u0378',
    'é ✓ 日本',
    'back\\slash',
  ];
  it(`agrees on ${STRINGS.length} strings and a list of them`, async () => {
    const theirs = await python(
      'import json, sys\nfor s in json.load(sys.stdin): print(repr(s))',
      JSON.stringify(STRINGS),
    );
    const expected = theirs.split('\n');
    expect(STRINGS.map((s) => pyRepr(s))).toEqual(expected);
    const list = await python('import json, sys\nprint(repr(json.load(sys.stdin)))', JSON.stringify([STRINGS]));
    expect(pyRepr([STRINGS])).toBe(list);
  });
});

/** Python's own output for each value (one line each): `json.dumps(v, indent=2)` or `repr(v)`. */
async function pythonEach(kind: 'json' | 'repr', values: unknown[]): Promise<string[]> {
  const py = path.join(VENV_BIN, 'python3');
  requireFile(py);
  const script =
    kind === 'json'
      ? 'import json,sys\nfor v in json.load(sys.stdin): print(json.dumps(json.dumps(v, indent=2)))'
      : 'import json,sys\nfor v in json.load(sys.stdin): print(json.dumps(repr(v)))';
  const { stdout } = await execa(py, ['-c', script], { input: JSON.stringify(values) });
  return stdout.split('\n').map((line) => JSON.parse(line) as string);
}

const LISTING_STRINGS = [
  '',
  'plain',
  "it's",
  'say "hi"',
  `it's "both"`,
  'back\\slash',
  'tab\there\nnew line\rreturn',
  'nul\u0000 esc\u001b del\u007f',
  'bell\u0007 vt\u000b ff\u000c',
  'é ü ß ✓ 日本 données',
  'emoji 😀 and 🇫🇷',
  'nel\u0085 nbsp\u00a0 shy\u00ad',
  'zwsp\u200b line sep\u2028 para sep\u2029 ideographic space\u3000',
  'private\ue000 plane 15\u{f0000} musical\u{1d173}',
  '</script> & <b>',
  'C:\\path\\n',
];

describe('the listing helpers against Python', () => {
  it("is Python's json.dumps(indent=2) for strings, nesting, empty containers and scalars", async () => {
    const values: unknown[] = [
      ...LISTING_STRINGS.map((s) => ({ s })),
      { empty: {}, list: [], nested: { a: [1, [2, { b: null }]], t: true, f: false } },
      [],
      {},
      ['a', ['b', 'c']],
      { 'ключ é': 'value' },
      -42,
      0,
    ];
    const expected = await pythonEach('json', values);
    expect(values.map((v) => pythonJson(v))).toEqual(expected);
  });

  it("pyRepr is Python's repr() for strings, lists, dicts, None and booleans", async () => {
    const values: unknown[] = [
      ...LISTING_STRINGS,
      ['tap-foo target-jsonl', ['tap-bar', "it's"]],
      [],
      { a: ['b'], "it's": 'x' },
      null,
      true,
      false,
      7,
    ];
    const expected = await pythonEach('repr', values);
    expect(values.map((v) => pyRepr(v))).toEqual(expected);
  });
});
