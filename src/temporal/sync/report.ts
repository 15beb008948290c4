/**
 * What a sync did or would do, as `sync --format=json` prints it and as one
 * line per schedule in text. The JSON shape is machine output: keep it stable.
 */

/** `skip`: in meltano.yml, but not for this environment (annotations.temporal.environments): nothing on the server. */
export type SyncAction = 'create' | 'update' | 'delete' | 'unchanged' | 'skip' | 'error';

export interface SyncItem {
  action: SyncAction;
  schedule: string;
  scheduleId: string;
  /** For update: what changed, `interval: @daily -> @hourly`. */
  changes: string[];
  error?: string;
  /** Whether the change was applied (false with --dry-run or on error). */
  applied: boolean;
}

export interface SyncReport {
  project: string;
  environment: string | null;
  namespace: string;
  dryRun: boolean;
  items: SyncItem[];
  ok: boolean;
  /** What is in step but unwise, such as many schedules starting at one instant without jitter. */
  warnings: string[];
}

/** The facts of a plan a report repeats (a plan is also these and its items). */
export interface ReportHeader {
  project: string;
  environment: string | null;
  namespace: string;
  warnings: string[];
}

/** Errors first (what needs the reader), then changes, then what is in step. */
const ORDER: Record<SyncAction, number> = { error: 0, create: 1, update: 2, delete: 3, skip: 4, unchanged: 5 };

/** The order items are shown in: by action (ORDER), then by schedule name. */
export function byActionThenName(a: SyncItem, b: SyncItem): number {
  return ORDER[a.action] - ORDER[b.action] || a.schedule.localeCompare(b.schedule);
}

export function errorItem(schedule: string, scheduleId: string, error: string): SyncItem {
  return { action: 'error', schedule, scheduleId, changes: [], error, applied: false };
}

/** The report of a plan, applied or not (a dry run): only the public fields of each item. */
export function syncReport(header: ReportHeader, items: SyncItem[], dryRun: boolean): SyncReport {
  const publicItems = items
    .map(({ action, schedule, scheduleId, changes, error, applied }) => ({
      action,
      schedule,
      scheduleId,
      changes,
      ...(error !== undefined ? { error } : {}),
      applied,
    }))
    .sort(byActionThenName);
  return {
    project: header.project,
    environment: header.environment,
    namespace: header.namespace,
    dryRun,
    items: publicItems,
    ok: publicItems.every((i) => i.action !== 'error'),
    warnings: header.warnings,
  };
}

const SYMBOL: Record<SyncAction, string> = {
  create: '+',
  update: '~',
  delete: '-',
  unchanged: '=',
  skip: '.',
  error: '!',
};

/** One item as text: `+ create nightly (meltano:elt:dev:nightly): @daily (0 0 * * *), job el`. */
export function formatSyncItem(item: SyncItem): string {
  const head = `${SYMBOL[item.action]} ${item.action} ${item.schedule}${item.scheduleId ? ` (${item.scheduleId})` : ''}`;
  if (item.action === 'error') return `${head}: ${item.error}`;
  if (item.action === 'update') return `${head}\n${item.changes.map((c) => `    ${c}`).join('\n')}`;
  if (item.action === 'create' || item.changes.length) return `${head}: ${item.changes.join(', ')}`;
  return head;
}
