/** What a run keeps of its resolved job and shows in the UI (workflows/run-context.ts). */
import { describe, expect, it } from 'vitest';
import { runFacts, runFactsDetails, withRunContext } from '../../workflows/run-context.js';
import type { Provenance, RunContext } from '../../workflows/types.js';

const context: RunContext = {
  scheduledTime: '2026-12-01T09:00:00Z',
  intervalStart: '2026-12-01T08:00:00Z',
  intervalEnd: '2026-12-01T09:00:00Z',
  kind: 'schedule',
};
const provenance: Provenance = {
  configHash: '0123456789abcdef',
  configFiles: ['meltano.yml', 'jobs/x.yml'],
  git: { commit: 'a'.repeat(40), dirty: true },
  meltanoVersion: 'meltano, version 4.4.1',
  plugins: [{ name: 'tap-x', pipUrl: 'tap-x==1' }, { name: 'target-y' }],
  worker: { identity: '12@host', version: '0.3.0' },
};

describe('run facts', () => {
  it('a run recorded before them keeps nothing and shows nothing (replays unchanged)', () => {
    expect(withRunContext({})).toEqual({});
    expect(runFacts({})).toEqual({});
    expect(runFactsDetails({})).toBeUndefined();
  });

  it('tasks get the time only; the result and details get the time and the provenance', () => {
    expect(withRunContext({ runContext: context, provenance } as never)).toEqual({ runContext: context });
    expect(runFacts({ runContext: context, provenance })).toEqual({ runContext: context, provenance });
  });

  it('the UI lines: interval, what ran, plugins', () => {
    expect(runFactsDetails({ runContext: context, provenance })?.split('\n')).toEqual([
      '**Interval** 2026-12-01T08:00:00Z → 2026-12-01T09:00:00Z (scheduled 2026-12-01T09:00:00Z)',
      '**Ran** config `0123456789abcdef` (meltano.yml, jobs/x.yml), git `aaaaaaaaaaaa` (dirty), meltano, version 4.4.1, worker `12@host` (meltano-temporal 0.3.0)',
      '**Plugins** tap-x (`tap-x==1`), target-y',
    ]);
  });
});
