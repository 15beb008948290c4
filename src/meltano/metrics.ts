/**
 * Rows per stream from Singer `METRIC:` log lines, without reading any data.
 * Singer SDK counters report the increment since their last report, so the
 * values add up.
 *
 * Meltano prints each plugin line as `<time> [<level>] <plugin> <line>`, and
 * the plugin's line carries its own logger's prefix: Singer SDK taps and
 * targets `<time> | INFO | singer_sdk.metrics | METRIC: {...}`, singer-python
 * taps `INFO METRIC: {...}`. The plugin comes from Meltano's column, never from
 * the word before `METRIC:`, so a tap's and a target's counts stay apart.
 */
const MELTANO_LINE = /^\S+\s+\[[^\]]*\]\s+(\S+)\s(.*)$/u;
const METRIC = /(?:^|[\s|])METRIC:\s*(\{.*\})\s*$/u;

/** Rows of lines without Meltano's prefix (a plugin run outside `meltano`). */
const UNKNOWN_PLUGIN = '';

export class RowCounter {
  /** plugin name -> stream -> rows */
  readonly byPlugin = new Map<string, Map<string, number>>();

  /** Feed one output line; returns true when it was a record_count metric. */
  add(line: string): boolean {
    const meltano = MELTANO_LINE.exec(line);
    const m = METRIC.exec(meltano ? (meltano[2] ?? '') : line);
    if (!m) return false;
    let metric: {
      metric?: unknown;
      value?: unknown;
      tags?: { stream?: unknown; database?: unknown; table?: unknown };
    };
    try {
      metric = JSON.parse(m[1] ?? '') as typeof metric;
    } catch {
      return false;
    }
    if (metric.metric !== 'record_count' || typeof metric.value !== 'number') return false;
    // Singer SDK taps tag the stream; pipelinewise taps tag database and table.
    const tags = metric.tags ?? {};
    const stream =
      typeof tags.stream === 'string'
        ? tags.stream
        : typeof tags.table === 'string'
          ? typeof tags.database === 'string'
            ? `${tags.database}-${tags.table}`
            : tags.table
          : '(unknown)';
    const plugin = meltano?.[1] ?? UNKNOWN_PLUGIN;
    const streams = this.byPlugin.get(plugin) ?? new Map<string, number>();
    streams.set(stream, (streams.get(stream) ?? 0) + metric.value);
    this.byPlugin.set(plugin, streams);
    return true;
  }

  /**
   * Rows per stream as the first of `blocks` that reported counted them (the
   * extractor, ahead of mappers and the loader); when none of them did, the
   * first plugin that reported.
   */
  rowsPerStream(blocks: readonly string[]): Record<string, number> {
    const source =
      blocks.map((b) => this.byPlugin.get(b.split(':')[0] ?? b)).find((s) => s !== undefined) ??
      this.byPlugin.values().next().value;
    return Object.fromEntries(source ?? []);
  }
}
