/**
 * When a second SIGINT/SIGTERM means "stop now" (src/cli/program/stop-signals.ts): every repeated
 * Ctrl-C does; a SIGTERM within the window after the first signal is the same request
 * (a process-group SIGTERM plus the one `meltano invoke` forwards), a later one does.
 */
import { describe, expect, it } from 'vitest';
import { SAME_REQUEST_WINDOW_MS, StopRequests } from '../../src/cli/program/stop-signals.js';

describe('StopRequests', () => {
  it('the first signal of either kind is the stop request', () => {
    expect(new StopRequests().receive('SIGTERM', 0)).toBe('stop');
    expect(new StopRequests().receive('SIGINT', 5_000)).toBe('stop');
  });

  it('a SIGTERM within the window after the first signal is the same request, however often', () => {
    const r = new StopRequests();
    expect(r.receive('SIGTERM', 1000)).toBe('stop');
    expect(r.receive('SIGTERM', 1003)).toBe('same');
    expect(r.receive('SIGTERM', 1000 + SAME_REQUEST_WINDOW_MS - 1)).toBe('same');
    expect(r.receive('SIGTERM', 1000 + SAME_REQUEST_WINDOW_MS)).toBe('again');
  });

  it('a second Ctrl-C is "stop now" at once, and so is a SIGTERM after the window', () => {
    const ctrlC = new StopRequests();
    expect(ctrlC.receive('SIGINT', 0)).toBe('stop');
    expect(ctrlC.receive('SIGINT', 10)).toBe('again');
    const afterCtrlC = new StopRequests();
    expect(afterCtrlC.receive('SIGINT', 0)).toBe('stop');
    expect(afterCtrlC.receive('SIGTERM', 10)).toBe('same');
    expect(afterCtrlC.receive('SIGTERM', SAME_REQUEST_WINDOW_MS + 10)).toBe('again');
  });

  it('the window is a parameter', () => {
    const r = new StopRequests(50);
    expect(r.receive('SIGTERM', 0)).toBe('stop');
    expect(r.receive('SIGTERM', 49)).toBe('same');
    expect(r.receive('SIGTERM', 50)).toBe('again');
  });
});
