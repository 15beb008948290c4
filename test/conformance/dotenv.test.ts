/** `.env` files read exactly as Meltano reads them: compared with python-dotenv itself, file by file. */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import path from 'node:path';
import { parseDotEnv } from '../../src/project/dotenv.js';
import { VENV_BIN, requireFile } from '../helpers/run.js';

const FILES = [
  'A=1\nB=two\n',
  'export A=1\nexport   B = spaced value  \n',
  'A=\'single # not a comment\'\nB="double # not a comment"\nC=plain # a comment\nD=plain#not-a-comment\n',
  'A= # empty with a comment\nB=#hash value\nC=\nD\nE =  \n',
  'A="line one\nline two"\nB=\'multi\nline\'\nC=after\n',
  "A=\"esc \\n \\t \\\" \\\\ \\' \\x\"\nB='esc \\' \\\\ \\n'\n",
  "BASE=/srv\nA=${BASE}/data\nB=${MISSING:-fallback}\nC=${MISSING}\nD=$BASE\nE=${HOME_FROM_ENV}\nF='${BASE} in single quotes'\n",
  'A=${B}\nB=late\nC=${B}\n',
  'NOVALUE\nA=${NOVALUE:-x}\n',
  '# comment line\n\n   \n\t# indented comment\nA=1\r\nB=2\rC=3\n',
  "'QUOTED KEY'=v\n'x'=1\n",
  'BROKEN LINE WITHOUT EQUALS AND SPACE\nA=ok\n=novalue\nB="unterminated\nC=still read\n',
  'A="x"trailing\nB=fine\n',
  '\ufeffBOM=first\n',
  'MELTANO_DATABASE_URI=postgresql+psycopg://u:p%40ss@db:5432/meltano\nMELTANO_ENVIRONMENT=prod\n',
  'A=1\nA=2\n',
  'UNICODE=héllo 😀\n',
  'A=  leading and trailing   \n',
  'A=value\\\n',
];

describe('parseDotEnv matches python-dotenv', () => {
  it(`agrees on ${FILES.length} files`, async () => {
    const python = path.join(VENV_BIN, 'python');
    requireFile(python);
    const script = [
      'import io, json, sys',
      'from dotenv import dotenv_values',
      'out = []',
      'for text in json.load(sys.stdin):',
      '    values = dotenv_values(stream=io.StringIO(text))',
      '    out.append({k: v for k, v in values.items() if v is not None})',
      'print(json.dumps(out))',
    ].join('\n');
    const env = { HOME_FROM_ENV: '/home/someone', BASE: 'from-process' };
    const r = await execa(python, ['-c', script], {
      input: JSON.stringify(FILES),
      env: { ...env, PYTHONWARNINGS: 'ignore' },
    });
    const theirs = JSON.parse(r.stdout) as Array<Record<string, string>>;
    for (const [i, text] of FILES.entries()) {
      const mine = parseDotEnv(text, env);
      expect(mine, JSON.stringify(text)).toEqual(theirs[i]);
      // Same order of keys too.
      expect(Object.keys(mine), JSON.stringify(text)).toEqual(Object.keys(theirs[i] ?? {}));
    }
  });
});
