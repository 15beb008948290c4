/** `schedule run` options for `meltano run`, and the plan of `runs retry`: pure code, exact expectations. */
import { describe, expect, it } from 'vitest';
import {
  checkRunOptionsFor,
  describeRunOptions,
  normaliseRunOptions,
  runOptionArgs,
  unsupportedByElt,
} from '../../src/meltano/run-options.js';
import { completedTaskCount, retryDetails, retryFromTask, retryWorkflowId } from '../../src/temporal/retry-plan.js';
import { UserError } from '../../src/errors.js';

describe('meltano run options', () => {
  it('maps each option to its meltano flag, in a fixed order; none set gives nothing', () => {
    const all = normaliseRunOptions({
      stateIdSuffix: 'bf',
      noStateUpdate: true,
      refreshCatalog: true,
      fullRefresh: true,
    });
    expect(runOptionArgs(all)).toEqual([
      '--full-refresh',
      '--refresh-catalog',
      '--no-state-update',
      '--state-id-suffix',
      'bf',
    ]);
    expect(describeRunOptions(all)).toBe(
      'meltano run options: --full-refresh --refresh-catalog --no-state-update --state-id-suffix bf',
    );
    expect(normaliseRunOptions({ fullRefresh: false })).toBeUndefined();
    expect(runOptionArgs(undefined)).toEqual([]);
    expect(describeRunOptions(undefined)).toBe('');
  });

  it('refuses a suffix that is not one plain word', () => {
    expect(() => normaliseRunOptions({ stateIdSuffix: 'a b' })).toThrow(UserError);
    expect(() => normaliseRunOptions({ stateIdSuffix: '--force' })).not.toThrow();
    expect(() => normaliseRunOptions({ stateIdSuffix: 'x;rm' })).toThrow(/may hold only letters/u);
  });

  it('names the options `meltano elt` lacks', () => {
    expect(unsupportedByElt({ fullRefresh: true, refreshCatalog: true })).toEqual([]);
    expect(unsupportedByElt({ fullRefresh: true, noStateUpdate: true, stateIdSuffix: 'x' })).toEqual([
      '--no-state-update',
      '--state-id-suffix',
    ]);
  });
});

describe('runs retry plan', () => {
  const scheduled = (id: number, type: string) => ({
    eventId: id,
    activityTaskScheduledEventAttributes: { activityType: { name: type } },
  });
  const completed = (scheduledEventId: number) => ({ activityTaskCompletedEventAttributes: { scheduledEventId } });

  it('counts completed task activities only (not resolveJob or notifications)', () => {
    const events = [
      scheduled(5, 'resolveJob'),
      completed(5),
      scheduled(11, 'runMeltanoTask'),
      completed(11),
      scheduled(17, 'runMeltanoTask'),
      { activityTaskFailedEventAttributes: { scheduledEventId: 17 } },
      scheduled(20, 'notifyRun'),
      completed(20),
    ];
    expect(completedTaskCount(events)).toBe(1);
    expect(completedTaskCount([])).toBe(0);
  });

  it('starts at the first task that did not finish, counting what a retried original skipped', () => {
    expect(retryFromTask(0, 1, false)).toBe(1);
    expect(retryFromTask(1, 1, false)).toBe(2);
    expect(retryFromTask(2, 0, true)).toBe(0);
  });

  it('ids keep the original stem; details link back', () => {
    const at = new Date('2026-11-25T14:03:09.123Z');
    expect(retryWorkflowId('meltano:p:dev:a-2026-11-25T02:00:00Z', at)).toBe(
      'meltano:p:dev:a-2026-11-25T02:00:00Z-retry-20261125T140309Z',
    );
    expect(
      retryWorkflowId('meltano:p:dev:a-2026-11-25T02:00:00Z-retry-20261125T140309Z', new Date('2026-11-25T15:00:00Z')),
    ).toBe('meltano:p:dev:a-2026-11-25T02:00:00Z-retry-20261125T150000Z');
    expect(retryDetails({ workflowId: 'w', runId: 'r', fromTask: 1 }, 2)).toBe('Retry of w (run r) from task 2/2');
    expect(retryDetails({ workflowId: 'w', runId: 'r', fromTask: 0 })).toBe('Retry of w (run r) from the first task');
  });
});

describe('checkRunOptionsFor', () => {
  it('refuses options meltano elt lacks for an elt schedule, naming them and the fix; job schedules take all', () => {
    const options = normaliseRunOptions({ fullRefresh: true, refreshCatalog: false, noStateUpdate: true });
    expect(() => checkRunOptionsFor({ name: 'old', kind: 'elt' }, options)).toThrow(
      "Schedule 'old' is a legacy elt schedule: meltano elt has no --no-state-update.",
    );
    expect(() => checkRunOptionsFor({ name: 'j', kind: 'job' }, options)).not.toThrow();
    expect(() => checkRunOptionsFor(undefined, options)).not.toThrow();
    const eltOk = normaliseRunOptions({ fullRefresh: true, refreshCatalog: true, noStateUpdate: false });
    expect(() => checkRunOptionsFor({ name: 'old', kind: 'elt' }, eltOk)).not.toThrow();
  });
});
