/**
 * Sync's retry of calls a busy server refused: the rate limiter's refusal
 * always, a timeout or an unavailable server only for calls that may run
 * twice, anything else at once; pauses grow and stop after six.
 */
import { describe, expect, it } from 'vitest';
import { isBusy, retryBusy } from '../../src/temporal/sync/busy-retry.js';

const grpcError = (code: number) => Object.assign(new Error(`${code} gRPC`), { code });
/** As the SDK throws it: its own error with the transport's beneath. */
const wrapped = (code: number) => new Error('Failed to create schedule', { cause: grpcError(code) });

/** A call failing with `errors` in turn, then answering 'ok'; and the pauses taken. */
function flaky(errors: Error[]) {
  let calls = 0;
  const pauses: number[] = [];
  const fn = async () => {
    const err = errors[calls++];
    if (err) throw err;
    return 'ok';
  };
  const sleep = async (ms: number) => {
    pauses.push(ms);
  };
  return { fn, sleep, pauses, calls: () => calls };
}

describe('retryBusy', () => {
  it('retries the rate limiter (RESOURCE_EXHAUSTED) found beneath the SDK error, even for a call that must not run twice', async () => {
    const call = flaky([wrapped(8), wrapped(8)]);
    expect(await retryBusy(call.fn, { repeatable: false, sleep: call.sleep })).toBe('ok');
    expect(call.calls()).toBe(3);
    expect(call.pauses).toHaveLength(2);
  });

  it('retries DEADLINE_EXCEEDED and UNAVAILABLE only for a call that may run twice', async () => {
    for (const code of [4, 14]) {
      const repeatable = flaky([grpcError(code)]);
      expect(await retryBusy(repeatable.fn, { sleep: repeatable.sleep })).toBe('ok');
      const once = flaky([grpcError(code)]);
      await expect(retryBusy(once.fn, { repeatable: false, sleep: once.sleep })).rejects.toThrow(`${code} gRPC`);
      expect(once.pauses).toEqual([]);
    }
  });

  it('throws any other error at once', async () => {
    for (const err of [grpcError(3), grpcError(13), new TypeError('bad cron'), new Error('no code')]) {
      const call = flaky([err]);
      await expect(retryBusy(call.fn, { sleep: call.sleep })).rejects.toBe(err);
      expect(call.calls()).toBe(1);
    }
  });

  it('pauses about 2, 4, 8, 16, 30, 30 s (give or take a quarter), then gives up with the last error', async () => {
    const errors = Array.from({ length: 7 }, () => grpcError(8));
    const call = flaky(errors);
    await expect(retryBusy(call.fn, { sleep: call.sleep })).rejects.toBe(errors[6]);
    expect(call.calls()).toBe(7);
    const nominal = [2_000, 4_000, 8_000, 16_000, 30_000, 30_000];
    expect(call.pauses).toHaveLength(6);
    call.pauses.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual((nominal[i] ?? 0) * 0.75);
      expect(ms).toBeLessThanOrEqual((nominal[i] ?? 0) * 1.25);
    });
  });

  it('isBusy looks a few causes down, not forever', () => {
    expect(isBusy(wrapped(8), false)).toBe(true);
    let deep: Error = grpcError(8);
    for (let i = 0; i < 5; i++) deep = new Error('wrapper', { cause: deep });
    expect(isBusy(deep, true)).toBe(false);
  });
});
