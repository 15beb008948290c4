/** Interval rules: ours must accept and reject exactly what Meltano's own validator does. */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import path from 'node:path';
import { cronInterval, isManualOnly, isValidInterval } from '../../src/project/interval.js';
import { VENV_BIN, requireFile } from '../helpers/run.js';

const CORPUS = [
  '@once',
  '@manual',
  '@none',
  '@hourly',
  '@daily',
  '@weekly',
  '@monthly',
  '@yearly',
  '@annually',
  '@midnight',
  '@HOURLY',
  '@Daily',
  '@reboot',
  '@every 5m',
  '',
  ' ',
  '*',
  '* * * *',
  '* * * * *',
  '* * * * * *',
  '0 0 0 * * *',
  '0 9 * * MON-FRI',
  '0 9 * * mon-fri',
  '0 9 * * fri-mon',
  '0 9 * * 7',
  '0 9 * * 0-7',
  '0 9 * * 8',
  '60 * * * *',
  '59 23 31 12 6',
  '0 24 * * *',
  '0 0 0 * *',
  '0 0 32 * *',
  '0 0 * 13 *',
  '0 0 * 0 *',
  '*/5 * * * *',
  '/5 * * * *',
  '*/0 * * * *',
  '1-5/2 * * * *',
  '5-1 * * * *',
  '0 0 L * *',
  '0 0 l * *',
  '0 L * * *',
  '0 0 ? * ?',
  '? 0 * * *',
  '15,45 * * * *',
  '15,99 * * * *',
  '99,100 * * * *',
  '0 0 * JAN,JUL *',
  '0 0 * jan-dec *',
  '0 0 * JAN-FOO *',
  '0 0 1W * *',
  '0 0 * * 5#3',
  '0 0 * * 5L',
  'a b c d e',
  '  0 1 * * *  ',
  '0\t1 * * *',
  '-1 * * * *',
  '1- * * * *',
  '0 0 1 1 * 2026',
  'CRON_TZ=UTC 0 0 * * *',
  '0-59/15 0-23 1-31 1-12 0-6',
  '00 01 * * *',
  '0 0 * * sun,sat',
];

describe('isValidInterval matches meltano.core.schedule', () => {
  it(`agrees on ${CORPUS.length} expressions`, async () => {
    const python = path.join(VENV_BIN, 'python');
    requireFile(python);
    const script = [
      'import json, sys',
      'from meltano.core.schedule import CRON_INTERVALS, is_valid_cron',
      'exprs = json.load(sys.stdin)',
      'print(json.dumps([[e in CRON_INTERVALS or is_valid_cron(e), CRON_INTERVALS.get(e, e) if e else None] for e in exprs]))',
    ].join('\n');
    const r = await execa(python, ['-c', script], { input: JSON.stringify(CORPUS) });
    const theirs = JSON.parse(r.stdout) as Array<[boolean, string | null]>;
    const mine = CORPUS.map((e) => [isValidInterval(e), cronInterval(e)]);
    expect(mine).toEqual(theirs);
    // The corpus exercises both answers.
    expect(theirs.filter(([ok]) => ok).length).toBeGreaterThan(10);
    expect(theirs.filter(([ok]) => !ok).length).toBeGreaterThan(10);
  });

  it('treats @once, @manual, @none and a missing interval as manual-only', () => {
    for (const i of ['@once', '@manual', '@none', null]) expect(isManualOnly(i)).toBe(true);
    for (const i of ['@daily', '0 * * * *', '@DAILY']) expect(isManualOnly(i)).toBe(false);
  });
});
