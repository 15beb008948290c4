/**
 * How `sync` (text format) shows its work: one line per change as it is
 * applied (`+ create`, `~ update`, `- delete`, `! error`; unchanged schedules
 * are only counted), a progress bar on stderr when stderr is a terminal, and
 * a summary line at the end.
 */
import type { SyncItem, SyncReport } from '../../temporal/sync/report.js';

type FormatSyncItem = (item: SyncItem) => string;

const ACTIONS = ['create', 'update', 'delete', 'unchanged', 'skip', 'error'] as const;
const BAR_WIDTH = 30;
/** Redraw the bar at most this often (a terminal redraw per schedule slows a 1,000-schedule sync). */
const REDRAW_MS = 100;

export class SyncOutput {
  private readonly counts = new Map<string, number>();
  private barShown = false;
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(
    private readonly format: FormatSyncItem,
    /** Draw a progress bar on stderr (a terminal). */
    private readonly bar: boolean,
  ) {}

  /** One item done: its line (unless unchanged), and the bar. */
  item(item: SyncItem, done: number, total: number): void {
    this.counts.set(item.action, (this.counts.get(item.action) ?? 0) + 1);
    if (item.action !== 'unchanged') {
      this.clearBar();
      (item.action === 'error' ? process.stderr : process.stdout).write(`${this.format(item)}\n`);
    }
    if (this.bar && (!this.barShown || done === total || Date.now() - this.lastDraw >= REDRAW_MS))
      this.drawBar(done, total);
  }

  /** The summary line, the plan's warnings, and the rate limiter's refusals when there were any. */
  finish(report: SyncReport, extra: { concurrency?: number; rateLimited?: number } = {}): void {
    this.clearBar();
    // `skip` (annotations.temporal.environments) only counts in projects that use it.
    const summary = ACTIONS.filter((a) => a !== 'skip' || this.counts.get(a))
      .map((a) => `${this.counts.get(a) ?? 0} ${a}`)
      .join(', ');
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const pace = report.dryRun ? '' : ` (${seconds}s${extra.concurrency ? `, ${extra.concurrency} at a time` : ''})`;
    process.stdout.write(
      `${report.dryRun ? 'dry run (nothing changed): ' : ''}${summary} — project ${report.project}, environment ${report.environment ?? 'default'}, namespace ${report.namespace}${pace}\n`,
    );
    for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
    if (extra.rateLimited)
      process.stderr.write(
        `the server rate-limited ${extra.rateLimited} request(s) (RESOURCE_EXHAUSTED); each was retried with backoff ` +
          `(a lower --concurrency spares the server)\n`,
      );
  }

  private drawBar(done: number, total: number): void {
    const filled = total ? Math.round((done / total) * BAR_WIDTH) : BAR_WIDTH;
    const c = (a: string): number => this.counts.get(a) ?? 0;
    process.stderr.write(
      `\r\x1b[Ksyncing [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total}` +
        `  +${c('create')} ~${c('update')} -${c('delete')} =${c('unchanged')} !${c('error')}`,
    );
    this.barShown = true;
    this.lastDraw = Date.now();
  }

  private clearBar(): void {
    if (!this.barShown) return;
    process.stderr.write('\r\x1b[K');
    this.barShown = false;
  }
}
