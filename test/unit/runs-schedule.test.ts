/** Which schedule `runs` lists: the positional SCHEDULE or --schedule NAME (the only way for `logs`, `retry`). */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { scheduleToList } from '../../src/temporal/runs.js';

describe('scheduleToList', () => {
  it('is the positional, or --schedule, or none', () => {
    expect(scheduleToList('nightly', undefined)).toBe('nightly');
    expect(scheduleToList(undefined, 'logs')).toBe('logs');
    expect(scheduleToList(undefined, undefined)).toBeUndefined();
    expect(scheduleToList('retry', 'retry')).toBe('retry');
  });

  it('refuses two different schedules and an empty --schedule, as usage errors', () => {
    expect(() => scheduleToList('a', 'b')).toThrow(UsageError);
    expect(() => scheduleToList('a', 'b')).toThrow("runs was given two schedules: 'a' and --schedule 'b'");
    expect(() => scheduleToList(undefined, '')).toThrow('--schedule needs a schedule name');
  });
});
