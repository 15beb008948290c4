/** The one duration grammar (annotations, flags, environment variables) and the one way durations are shown. */
import { describe, expect, it } from 'vitest';
import { durationMs, parseDuration } from '../../src/util/duration.js';
import { formatDuration } from '../../workflows/summary.js';
import { InvalidValueError } from '../../src/errors.js';

describe('durationMs (annotation values: a number and a unit, nothing else)', () => {
  it('converts each unit, fractions included', () => {
    expect(durationMs('250ms')).toBe(250);
    expect(durationMs('1.5s')).toBe(1500);
    expect(durationMs('2m')).toBe(120_000);
    expect(durationMs('6h')).toBe(21_600_000);
    expect(durationMs('2d')).toBe(172_800_000);
    expect(durationMs('0s')).toBe(0);
  });

  it('refuses anything else: no unit, compound, spaces, capitals, signs, exponents', () => {
    for (const bad of ['10', '1h30m', ' 5m', '5m ', '5 m', '5M', '.5m', '-5m', '1e3s', '5w', 'soon', ''])
      expect(durationMs(bad), bad).toBeNaN();
  });

  it('with a unit for bare numbers, takes them in it; a unit written still wins', () => {
    expect(durationMs('15000', 'ms')).toBe(15_000);
    expect(durationMs('90', 's')).toBe(90_000);
    expect(durationMs('2m', 's')).toBe(120_000);
    expect(durationMs('', 's')).toBeNaN();
  });
});

describe('parseDuration (flags and environment variables)', () => {
  it('is the same grammar with spaces around allowed and bare numbers in milliseconds unless told', () => {
    expect(parseDuration('5m', '--shutdown-grace')).toBe(300_000);
    expect(parseDuration('  30s\n', '--shutdown-grace')).toBe(30_000);
    expect(parseDuration('15000', 'MELTANO_TEMPORAL_STOP_GRACE_MS')).toBe(15_000);
    expect(parseDuration('120', 'MELTANO_TEMPORAL_RECONNECT_TIMEOUT', 's')).toBe(120_000);
    expect(parseDuration('0.0015s', '--x')).toBe(2);
  });

  it('refuses anything else as a usage error naming the source, the value and an example', () => {
    for (const bad of ['soon', '-5s', '5 m', '1h30m', '']) {
      let caught: unknown;
      try {
        parseDuration(bad, 'MELTANO_TEMPORAL_RECONNECT_TIMEOUT', 's');
      } catch (err) {
        caught = err;
      }
      expect(caught, bad).toBeInstanceOf(InvalidValueError);
      const err = caught as InvalidValueError;
      expect(err.exitCode).toBe(2);
      expect(err.describe()).toBe(
        `Invalid value for 'MELTANO_TEMPORAL_RECONNECT_TIMEOUT': '${bad}' is not a duration.\n  fix: give one such as 30s, 5m or 1h`,
      );
    }
  });
});

describe('formatDuration', () => {
  it('under a minute: seconds with one decimal', () => {
    expect([0, 900, 2000, 6500, 59_949].map(formatDuration)).toEqual(['0.0s', '0.9s', '2.0s', '6.5s', '59.9s']);
  });

  it('then two units, zero-padded, no spaces: minutes and seconds, hours and minutes, days and hours', () => {
    expect(
      [59_950, 61_000, 72_000, 252_000, 3_599_000, 3_600_000, 3_725_000, 86_399_000, 86_400_000, 30 * 86_400_000].map(
        formatDuration,
      ),
    ).toEqual(['1m00s', '1m01s', '1m12s', '4m12s', '59m59s', '1h00m', '1h02m', '23h59m', '1d00h', '30d00h']);
  });

  it('rounds to the second above a minute, so a value never shows 60 of a unit', () => {
    expect(formatDuration(119_600)).toBe('2m00s');
    expect(formatDuration(3_599_600)).toBe('1h00m');
  });

  it('a negative duration (clock skew) shows as zero', () => {
    expect(formatDuration(-5)).toBe('0.0s');
  });
});
