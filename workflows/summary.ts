/**
 * The texts a run shows in the Temporal UI: each task activity's summary
 * (the task as the user wrote it), the run's static summary and details
 * (what it runs and how it was started), the live "current details" (which
 * task of how many, rows so far) and the rows per stream per task at the
 * end. Pure functions of plain data: the workflow calls them (so nothing
 * here may touch Node or the clock), and so do sync (schedule actions) and
 * the CLI. These texts land in history: names only, never env values.
 */
import type { ResolvedTask, TaskResult, TaskState } from './types.js';

/** The UI shows summaries on one line; keep them short enough to read there. */
export const SUMMARY_MAX = 200;

/** How a run came to be. Scheduled runs cannot tell a trigger from an interval run, so both are `schedule`. */
export type RunOrigin =
  | { kind: 'schedule'; scheduleId: string }
  | { kind: 'backfill'; scheduleId: string; scheduledFor: string }
  | { kind: 'trigger'; scheduleId: string }
  | { kind: 'retry'; of: string }
  | { kind: 'manual'; by?: string };

export interface RunDescription {
  /** Project key (MELTANO_TEMPORAL_PROJECT, else the directory name). */
  project: string;
  environment?: string | undefined;
  schedule?: string | undefined;
  /** The schedule's interval as written (`@hourly`, a cron), when there is one. */
  interval?: string | null | undefined;
  /** The job name; for a legacy elt schedule, the schedule name. */
  job: string;
  /** The tasks as written, one entry per top-level task. */
  tasks: readonly string[];
  origin: RunOrigin;
}

/** Live state of a run, as the workflow knows it. */
export interface RunProgress {
  tasks: ReadonlyArray<{
    text: string;
    state: TaskState;
    /** Rows per stream: counted so far while running, final once done. */
    rows?: Readonly<Record<string, number>>;
    durationMs?: number;
    attempt?: number;
  }>;
  origin?: RunOrigin;
}

function truncate(text: string, max = SUMMARY_MAX): string {
  const oneLine = text.replace(/\s*\n\s*/gu, ' ');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/** Backticks inside a code span would end it early; Meltano names never hold them, but user text might. */
function code(text: string): string {
  return `\`${text.replace(/`/gu, "'")}\``;
}

/** The task as the user wrote it: `tap-mysql target-postgres`, `dbt-postgres:run`; elt schedules read like the command. */
export function taskText(task: Pick<ResolvedTask, 'args' | 'command' | 'group'>): string {
  if (task.command === 'elt') return `elt ${task.args.filter((a) => !a.startsWith('--state-id=')).join(' ')}`;
  const text = task.args.join(' ');
  return task.group ? `${groupLabel(task)} ${text}` : text;
}

/** `[2a/3]`: the item's step of how many, its letter in the group; empty for a task outside a group. */
export function groupLabel(task: Pick<ResolvedTask, 'group'>): string {
  const g = task.group;
  if (!g) return '';
  return `[${g.step + 1}${itemLetter(g.item)}/${g.steps}]`;
}

/** a, b, ... z, aa, ab, ...: the item's letter (groups wider than 26 stay readable). */
function itemLetter(item: number): string {
  const letter = String.fromCharCode(97 + (item % 26));
  return item < 26 ? letter : `${itemLetter(Math.floor(item / 26) - 1)}${letter}`;
}

/** The activity summary of one task (single line; the task's position helps when the same task appears twice). */
export function taskSummary(task: Pick<ResolvedTask, 'args' | 'command' | 'index' | 'group'>, total: number): string {
  const text = taskText(task);
  return truncate(total > 1 ? `${text} (${task.index + 1}/${total})` : text);
}

export function totalRows(rows: Readonly<Record<string, number>> | undefined): number {
  return Object.values(rows ?? {}).reduce((a, b) => a + b, 0);
}

/** 1234567 -> "1,234,567" without Intl (the workflow sandbox should not depend on locale data). */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/gu, ',');
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * The one way durations are shown (UI details, `runs`, followed runs, notifications, the worker's log):
 * `6.5s`, `1m01s`, `1h02m`, `3d04h`; two units at most, no spaces, so they line up in tables.
 */
export function formatDuration(ms: number): string {
  if (ms < 59_950) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d${two(h)}h`;
  if (h) return `${h}h${two(m)}m`;
  return `${m}m${two(s % 60)}s`;
}

export function originText(origin: RunOrigin): string {
  switch (origin.kind) {
    case 'schedule':
      return `schedule ${code(origin.scheduleId)} (its interval, or a trigger from the UI or CLI)`;
    case 'trigger':
      return `trigger of schedule ${code(origin.scheduleId)}`;
    case 'backfill':
      return `backfill of schedule ${code(origin.scheduleId)} for ${origin.scheduledFor}`;
    case 'retry':
      return `retry of run ${code(origin.of)}`;
    case 'manual':
      return origin.by ? `started by hand (${origin.by})` : 'started by hand';
  }
}

/** One line for the UI's run and schedule lists: what runs, where. */
export function runStaticSummary(d: RunDescription): string {
  const what = d.schedule ?? `job ${d.job}`;
  const where = [d.project, d.environment].filter(Boolean).join('/');
  return truncate(`${what}: ${d.tasks.join(' → ')} [${where}]`);
}

/** The run's static details (markdown): project, schedule, job, environment, the tasks, how it was started. */
export function runStaticDetails(d: RunDescription): string {
  const lines = [
    `**Project** ${code(d.project)}${d.environment ? ` · **Environment** ${code(d.environment)}` : ''}`,
    d.schedule
      ? `**Schedule** ${code(d.schedule)}${d.interval ? ` (${code(d.interval)})` : ' (manual runs only)'} · **Job** ${code(d.job)}`
      : `**Job** ${code(d.job)}`,
    `**Started by** ${originText(d.origin)}`,
    '',
    `**Tasks** (${d.tasks.length}, in order)`,
    ...d.tasks.map((t, i) => `${i + 1}. ${code(t)}`),
  ];
  return lines.join('\n');
}

function rowsText(rows: Readonly<Record<string, number>> | undefined): string {
  const entries = Object.entries(rows ?? {});
  if (!entries.length) return '';
  return `${formatCount(totalRows(rows))} rows (${entries.map(([s, n]) => `${s}=${formatCount(n)}`).join(', ')})`;
}

const MARK: Record<TaskState, string> = {
  pending: '·',
  running: '▶',
  succeeded: '✓',
  failed: '✗',
  cancelled: '⊘',
  skipped: '↷',
};

/** The run's current details (markdown): a headline, then one line per task. */
export function runCurrentDetails(p: RunProgress): string {
  const total = p.tasks.length;
  const running = p.tasks.findIndex((t) => t.state === 'running');
  const failed = p.tasks.findIndex((t) => t.state === 'failed');
  const cancelled = p.tasks.findIndex((t) => t.state === 'cancelled');
  const done = p.tasks.filter((t) => t.state === 'succeeded').length;
  const rowsSoFar = p.tasks.reduce((sum, t) => sum + totalRows(t.rows), 0);
  let headline: string;
  if (running >= 0) {
    const t = p.tasks[running];
    headline = `**Running task ${running + 1} of ${total}**: ${code(t?.text ?? '')}${t?.attempt && t.attempt > 1 ? ` (attempt ${t.attempt})` : ''}`;
  } else if (failed >= 0) {
    headline = `**Failed at task ${failed + 1} of ${total}**: ${code(p.tasks[failed]?.text ?? '')}`;
  } else if (cancelled >= 0) {
    headline = `**Cancelled at task ${cancelled + 1} of ${total}**: ${code(p.tasks[cancelled]?.text ?? '')}`;
  } else if (done === total) {
    headline = `**Completed ${total} of ${total} task${total === 1 ? '' : 's'}**`;
  } else {
    headline = `**Starting**: ${done} of ${total} tasks done`;
  }
  const lines = [`${headline} · ${formatCount(rowsSoFar)} rows so far`];
  if (p.origin && p.origin.kind !== 'schedule') lines.push(`Started by ${originText(p.origin)}`);
  lines.push('');
  p.tasks.forEach((t, i) => {
    const parts = [`${MARK[t.state]} ${i + 1}. ${code(t.text)} ${t.state}`];
    if (t.durationMs !== undefined && t.state !== 'running') parts.push(formatDuration(t.durationMs));
    const rows = rowsText(t.rows);
    if (rows) parts.push(t.state === 'running' ? `${rows} so far` : rows);
    lines.push(parts.join(' · '));
  });
  return lines.join('\n');
}

/** Rows per stream per task of a finished run, for its result and the CLI: `[{task, rows: {stream: n}}]`. */
export function rowsPerTask(
  tasks: ReadonlyArray<Pick<TaskResult, 'index' | 'args' | 'rowsPerStream'>>,
): Array<{ task: number; text: string; rows: Record<string, number>; total: number }> {
  return tasks.map((t) => ({
    task: t.index + 1,
    text: t.args.join(' '),
    rows: { ...t.rowsPerStream },
    total: totalRows(t.rowsPerStream),
  }));
}

/**
 * How a scheduled run started, from its search attributes: a nominal time
 * long before the start is a backfill (or a catch-up after downtime); the
 * rest are the schedule's own runs or triggers (the server records them alike).
 */
export function scheduledOrigin(scheduleId: string, scheduledStart: Date | undefined, started: Date): RunOrigin {
  if (scheduledStart && started.getTime() - scheduledStart.getTime() > 10 * 60_000) {
    return { kind: 'backfill', scheduleId, scheduledFor: scheduledStart.toISOString() };
  }
  return { kind: 'schedule', scheduleId };
}
