/**
 * `runs` on a terminal: per schedule, its last runs side by side, oldest
 * first, one column per run with status, duration and rows (Airflow's grid
 * view, in text). Pure: rows in, text out; colour only when asked.
 */
import { formatDuration } from '../../../workflows/summary.js';
import { FAILURE } from '../../../workflows/contract.js';
import type { Provenance } from '../../../workflows/types.js';
import { provenanceText } from './provenance-text.js';

export interface StripRun {
  workflowId: string;
  schedule: string | null;
  /** Temporal's status name: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, CONTINUED_AS_NEW. */
  status: string;
  startTime: string;
  durationMs: number | null;
  failedTask: string | null;
  /** Rows loaded (sum over tasks and streams); null when unknown (running, or no result). */
  rows: number | null;
  /** A running run waiting for a pool's slot: what it waits for. */
  waiting?: string | null;
  /** A failed upstream (`annotations.temporal.after`): the schedules it holds back. */
  holds?: string[] | null;
  /** A run started after other schedules: the upstream runs that released it. */
  after?: Array<{ schedule: string; workflowId: string }> | null;
  /** The failed task's failure type (`MeltanoTaskStalled` reads "stalled"); absent or null otherwise. */
  failureType?: string | null;
  /** `runs retry` facts (1-based task numbers); absent or null for other runs. */
  retry?: { of: string; fromTask: number; skippedTasks: number[]; doneTasks?: number[]; by: string | null } | null;
  /** The data interval the run stood for (RFC 3339 UTC), when known. */
  interval?: { start: string; end: string } | null;
  /** What the run ran, when known. */
  provenance?: Provenance | null;
}

export interface StripOptions {
  color: boolean;
  /** Runs per schedule (the newest ones). */
  perSchedule: number;
  /** For running runs' elapsed time (default: now). */
  now?: Date;
}

const CELL = 8;
const LABEL = 8;

const STATUS: Record<string, { mark: string; color: number }> = {
  COMPLETED: { mark: '✓', color: 32 },
  FAILED: { mark: '✗', color: 31 },
  RUNNING: { mark: '▶', color: 36 },
  TIMED_OUT: { mark: '⏱', color: 31 },
  CANCELED: { mark: '⊘', color: 33 },
  CANCELLED: { mark: '⊘', color: 33 },
  TERMINATED: { mark: '⊘', color: 33 },
  CONTINUED_AS_NEW: { mark: '↻', color: 90 },
};

/** 950 -> "950", 12_345 -> "12.3k", 4_200_000 -> "4.2M": fits a cell. */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 999_500) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)}M`;
}

/** `2026-11-25T14:00:03.120Z` -> `2026-11-25 14:00Z` */
function shortTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

export function renderRunStrips(runs: readonly StripRun[], options: StripOptions): string {
  const paint = (code: number, text: string): string => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const bold = (text: string): string => (options.color ? `\x1b[1m${text}\x1b[0m` : text);
  const now = (options.now ?? new Date()).getTime();

  // Newest first in, grouped per schedule in the order of each schedule's latest run.
  const groups = new Map<string, StripRun[]>();
  for (const run of [...runs].sort((a, b) => b.startTime.localeCompare(a.startTime))) {
    const key = run.schedule ?? '(no schedule)';
    const list = groups.get(key) ?? [];
    if (list.length < options.perSchedule) list.push(run);
    groups.set(key, list);
  }

  const out: string[] = [];
  for (const [schedule, newestFirst] of groups) {
    const list = [...newestFirst].reverse();
    const latest = newestFirst[0];
    const ok = list.filter((r) => r.status === 'COMPLETED').length;
    const finished = list.filter((r) => r.status !== 'RUNNING').length;
    out.push(
      `${bold(schedule)}  ${ok}/${finished} succeeded of the last ${list.length}${latest ? `; latest started ${shortTime(latest.startTime)}` : ''}`,
    );
    const cell = (text: string): string => text.padEnd(CELL);
    const statusCells = list.map((r) => {
      const s = STATUS[r.status] ?? { mark: '?', color: 90 };
      return paint(s.color, s.mark) + ' '.repeat(CELL - 1);
    });
    const timeCells = list.map((r) => {
      const ms = r.durationMs ?? (r.status === 'RUNNING' ? now - Date.parse(r.startTime) : null);
      return cell(ms === null ? '-' : formatDuration(Math.max(0, ms)));
    });
    const rowCells = list.map((r) => cell(r.rows === null ? '-' : compactCount(r.rows)));
    out.push(`  ${'status'.padEnd(LABEL)}${statusCells.join('').trimEnd()}`);
    out.push(`  ${'time'.padEnd(LABEL)}${timeCells.join('').trimEnd()}`);
    out.push(`  ${'rows'.padEnd(LABEL)}${rowCells.join('').trimEnd()}`);
    // One line per run that knows its interval, oldest first: a backfill reads slot by slot.
    list.forEach((r, i) => {
      if (!r.interval) return;
      const s = STATUS[r.status] ?? { mark: '?', color: 90 };
      out.push(
        `  ${(i === list.findIndex((x) => x.interval) ? 'interval' : '').padEnd(LABEL + 1)}${paint(s.color, s.mark)} ${shortTime(r.interval.start)} → ${shortTime(r.interval.end)}`,
      );
    });
    // What the newest run that knows it ran: a changed hash or commit between runs shows here.
    const ran = newestFirst.find((r) => r.provenance)?.provenance;
    if (ran) out.push(`  ${'ran'.padEnd(LABEL + 1)}${provenanceText(ran)}`);
    for (const r of newestFirst.filter((run) => run.status === 'RUNNING' && run.waiting))
      out.push(`  ${paint(36, '…')} ${shortTime(r.startTime)} ${r.waiting ?? ''}: ${r.workflowId}`);
    if (latest?.after?.length)
      out.push(
        `  ${shortTime(latest.startTime)} after ${latest.after.map((r) => `${r.schedule} (${r.workflowId})`).join(', ')}`,
      );
    const lastFailure = newestFirst.find((r) => r.status === 'FAILED');
    if (lastFailure) {
      const how =
        lastFailure.failureType === FAILURE.taskStalled ? 'stalled (no output for its stall_timeout)' : 'failed';
      out.push(
        `  ${paint(31, '✗')} ${shortTime(lastFailure.startTime)} ${lastFailure.failedTask ? `${how} at '${lastFailure.failedTask}'` : how}: ${lastFailure.workflowId}${lastFailure.holds?.length ? ` (holds back ${lastFailure.holds.join(', ')})` : ''}`,
      );
    }
    // Tasks skipped by hand (with who skipped them) or left out as completed in their group are named: the
    // strip alone would show a plain success.
    const notable = newestFirst.find((r) => r.retry?.by || r.retry?.doneTasks?.length);
    if (notable?.retry) {
      const r = notable.retry;
      const skipped = r.skippedTasks.length ? `, skipped task ${r.skippedTasks.join(', ')}` : '';
      const done = r.doneTasks?.length
        ? `, not re-running task${r.doneTasks.length === 1 ? '' : 's'} ${r.doneTasks.join(', ')} (completed in its group)`
        : '';
      out.push(
        `  ${paint(90, '↻')} ${shortTime(notable.startTime)} retry of ${r.of} from task ${r.fromTask}${skipped}${done}${r.by ? `, by ${r.by}` : ''}: ${notable.workflowId}`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
