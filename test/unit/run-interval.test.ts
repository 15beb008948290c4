/** The rules of a run's interval (src/temporal/run-interval.ts) over a spec given as its matching times. */
import { describe, expect, it } from 'vitest';
import { intervalFor, previousSlot, type MatchingTimes } from '../../src/temporal/run-interval.js';
import { RUN_CONTEXT_ENV, rfc3339, runContextEnvironment } from '../../src/meltano/run-context-env.js';

const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

/** A spec answering like the server: the times of `every` in [start, end), at most `cap`, earliest first. */
function spec(every: number, offset = 0, cap = 1000): MatchingTimes & { calls: Array<[number, number]> } {
  const calls: Array<[number, number]> = [];
  const fn = async (start: number, end: number): Promise<number[]> => {
    calls.push([start, end]);
    const out: number[] = [];
    for (let t = Math.ceil((start - offset) / every) * every + offset; t < end && out.length < cap; t += every)
      out.push(t);
    return out;
  };
  return Object.assign(fn, { calls });
}

describe('previousSlot', () => {
  it('is the latest slot strictly before the end: the previous slot for a slot, the last one for a time between', async () => {
    expect(rfc3339((await previousSlot(spec(HOUR), at('2026-12-01T09:00:00Z')))!)).toBe('2026-12-01T08:00:00Z');
    expect(rfc3339((await previousSlot(spec(HOUR), at('2026-12-01T09:23:10Z')))!)).toBe('2026-12-01T09:00:00Z');
  });

  it('looks further back for rare slots (monthly, yearly) and gives up after five years', async () => {
    const yearly = spec(365 * 24 * HOUR);
    expect(await previousSlot(yearly, at('2026-12-01T00:00:00Z'))).toBeDefined();
    expect(await previousSlot(async () => [], at('2026-12-01T00:00:00Z'))).toBeUndefined();
  });

  it('a capped answer (the earliest times only) is asked again after its last time, so no later slot is missed', async () => {
    const minutely = spec(60_000, 0, 7);
    expect(rfc3339((await previousSlot(minutely, at('2026-12-01T09:00:00Z')))!)).toBe('2026-12-01T08:59:00Z');
    expect(minutely.calls.length).toBeGreaterThan(2);
  });
});

describe('intervalFor', () => {
  it('without a spec the interval is empty at the scheduled time', async () => {
    expect(await intervalFor(at('2026-12-01T09:00:00.700Z'), undefined)).toEqual({
      scheduledTime: '2026-12-01T09:00:00Z',
      intervalStart: '2026-12-01T09:00:00Z',
      intervalEnd: '2026-12-01T09:00:00Z',
      kind: 'none',
    });
  });

  it('with jitter the start moves back by the jitter: overlap, never a gap', async () => {
    const jittered = spec(HOUR, 17 * 60_000); // actual starts at :17
    expect(
      await intervalFor(at('2026-12-01T09:00:00Z'), { scheduleId: 's', matching: jittered, jitterMs: 30 * 60_000 }),
    ).toEqual({
      scheduledTime: '2026-12-01T09:00:00Z',
      intervalStart: '2026-12-01T07:47:00Z',
      intervalEnd: '2026-12-01T09:00:00Z',
      kind: 'schedule',
      scheduleId: 's',
    });
  });
});

describe('runContextEnvironment', () => {
  it('names every variable of the table, and only the attempt without a run', () => {
    expect(runContextEnvironment({ attempt: 2 })).toEqual({ MT_TASK_ATTEMPT: '2' });
    const env = runContextEnvironment({
      attempt: 1,
      workflowId: 'meltano:p:dev:s-2026-12-01T09:00:00Z',
      workflowRunId: 'r1',
      namespace: 'default',
      uiBase: 'http://ui:8233/',
      context: {
        scheduledTime: '2026-12-01T09:00:00Z',
        intervalStart: '2026-12-01T08:00:00Z',
        intervalEnd: '2026-12-01T09:00:00Z',
        kind: 'schedule',
        scheduleId: 'meltano:p:dev:s',
      },
    });
    expect(Object.keys(env).sort()).toEqual(Object.values(RUN_CONTEXT_ENV).sort());
    expect(env.MT_UI_URL).toBe(
      'http://ui:8233/namespaces/default/workflows/meltano%3Ap%3Adev%3As-2026-12-01T09%3A00%3A00Z/r1/history',
    );
    for (const name of Object.values(RUN_CONTEXT_ENV)) expect(name).not.toMatch(/^(MELTANO_|TEMPORAL_)/u);
  });
});
