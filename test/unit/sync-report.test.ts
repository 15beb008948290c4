/** The sync report: its order, its JSON shape (machine output) and one line of text per item. */
import { describe, expect, it } from 'vitest';
import { formatSyncItem, syncReport, type SyncItem } from '../../src/temporal/sync/report.js';

const item = (action: SyncItem['action'], schedule: string, extra: Partial<SyncItem> = {}): SyncItem => ({
  action,
  schedule,
  scheduleId: `meltano:elt:dev:${schedule}`,
  changes: [],
  applied: false,
  ...extra,
});

describe('syncReport', () => {
  it('errors first, then creates, updates, deletes, unchanged; by name within each; ok only without errors', () => {
    const header = { project: 'elt', environment: 'dev', namespace: 'default', warnings: ['w'] };
    const items = [
      item('unchanged', 'a'),
      item('delete', 'b'),
      item('update', 'c'),
      item('create', 'e'),
      item('create', 'd'),
      item('error', 'z', { error: 'boom' }),
    ];
    const report = syncReport(header, items, false);
    expect(report.items.map((i) => `${i.action} ${i.schedule}`)).toEqual([
      'error z',
      'create d',
      'create e',
      'update c',
      'delete b',
      'unchanged a',
    ]);
    expect(report).toMatchObject({ ...header, dryRun: false, ok: false });
    expect(syncReport(header, items.slice(0, 5), true)).toMatchObject({ dryRun: true, ok: true });
  });

  it('keeps only the public fields of planned items', () => {
    const planned = { ...item('create', 'a'), desired: { secret: true }, migrate: { fromId: 'x', paused: false } };
    const report = syncReport({ project: 'p', environment: null, namespace: 'n', warnings: [] }, [planned], true);
    expect(Object.keys(report.items[0] ?? {})).toEqual(['action', 'schedule', 'scheduleId', 'changes', 'applied']);
  });
});

describe('formatSyncItem', () => {
  it('one line per action; an update lists its changes beneath', () => {
    expect(formatSyncItem(item('create', 'a', { changes: ['@daily (0 0 * * *), job el'] }))).toBe(
      '+ create a (meltano:elt:dev:a): @daily (0 0 * * *), job el',
    );
    expect(formatSyncItem(item('update', 'b', { changes: ['interval: @daily -> @hourly', 'cron: x -> y'] }))).toBe(
      '~ update b (meltano:elt:dev:b)\n    interval: @daily -> @hourly\n    cron: x -> y',
    );
    expect(formatSyncItem(item('delete', 'c'))).toBe('- delete c (meltano:elt:dev:c)');
    expect(formatSyncItem(item('unchanged', 'd'))).toBe('= unchanged d (meltano:elt:dev:d)');
    expect(formatSyncItem(item('error', 'e', { error: 'boom' }))).toBe('! error e (meltano:elt:dev:e): boom');
    expect(formatSyncItem(item('error', 'f', { scheduleId: '', error: 'unreadable' }))).toBe('! error f: unreadable');
  });
});
