/** The one masker: a schedule's env values (and a webhook URL) never leave the worker in plain text. */
import { describe, expect, it } from 'vitest';
import { MASK, maskedEnvValues, scheduleEnv, secretMasker } from '../../src/meltano/mask.js';

describe('secretMasker', () => {
  it('replaces every occurrence of every value', () => {
    const mask = secretMasker(['hunter22', 'postgres://u:pw@db/x']);
    expect(mask('connecting to postgres://u:pw@db/x as hunter22 (hunter22)')).toBe(
      `connecting to ${MASK} as ${MASK} (${MASK})`,
    );
  });

  it('masks the longer of two overlapping values first, so no part of it is left', () => {
    const mask = secretMasker(['abcd', 'abcdefgh']);
    expect(mask('key=abcdefgh short=abcd')).toBe(`key=${MASK} short=${MASK}`);
  });

  it('leaves values under 4 characters alone, and text without secrets as it is', () => {
    const mask = secretMasker(['dev', '1', '', 'secret-token']);
    expect(mask('env dev, 1 worker')).toBe('env dev, 1 worker');
    expect(mask('token secret-token')).toBe(`token ${MASK}`);
    expect(secretMasker([])('nothing to hide')).toBe('nothing to hide');
  });

  it('takes values as a set: duplicates and any iterable', () => {
    const mask = secretMasker(new Set(['s3cr3t!', 's3cr3t!']).values());
    expect(mask('a s3cr3t! b')).toBe(`a ${MASK} b`);
  });

  it('treats values as text, not patterns', () => {
    const mask = secretMasker(['a.b*c+d']);
    expect(mask('a.b*c+d and aXbbbcdd')).toBe(`${MASK} and aXbbbcdd`);
  });
});

describe('scheduleEnv', () => {
  it("is the schedule's env as Meltano passes it to plugins: strings, null as empty", () => {
    expect(scheduleEnv({ env: { PORT: 5432, DEBUG: true, RATIO: 0.5, EMPTY: null, NAME: 'x' } })).toEqual({
      PORT: '5432',
      DEBUG: 'true',
      RATIO: '0.5',
      EMPTY: '',
      NAME: 'x',
    });
  });

  it('is empty without a schedule', () => {
    expect(scheduleEnv(undefined)).toEqual({});
  });
});

describe('maskedEnvValues', () => {
  it("masks every value but meltano run's options and booleans or numbers under keys that do not look secret", () => {
    const env = {
      MELTANO_RUN_FULL_REFRESH: 'true',
      MELTANO_RUN_STATE_ID_SUFFIX: 'weekly-full',
      TAP_X_BATCH_SIZE: '10000',
      TAP_X_INCREMENTAL: 'False',
      TAP_X_HOST: 'db.internal.example',
      TAP_X_PASSWORD: '12345678',
      TAP_X_API_KEY: 'true',
      TAP_X_PIN: '4242',
      TARGET_Y_TOKEN: 'abc-def-ghi',
    };
    expect(maskedEnvValues(env).sort()).toEqual(['12345678', '4242', 'abc-def-ghi', 'db.internal.example', 'true']);
  });

  it('a value shared by a plain key and a secret key stays masked everywhere', () => {
    const mask = secretMasker(maskedEnvValues({ DEBUG_LEVEL: '20260101', DB_PASSWORD: '20260101' }));
    expect(mask('level 20260101')).toBe(`level ${MASK}`);
  });

  it('leaves "true" of a full-refresh schedule readable in the logs', () => {
    const mask = secretMasker(maskedEnvValues({ MELTANO_RUN_FULL_REFRESH: 'true', TAP_TOKEN: 'tok-secret' }));
    expect(mask('full_refresh=true token=tok-secret')).toBe(`full_refresh=true token=${MASK}`);
  });
});
