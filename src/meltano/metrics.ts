/**
 * Rows per stream from Singer `METRIC:` log lines, without reading any data.
 * Singer SDK counters report the increment since their last report, so the
 * values add up. Meltano prefixes each plugin line with the plugin's name.
 */
const METRIC_LINE = /(?:^|\s)(\S+)\s+METRIC:\s+(\{.*\})\s*$/u;

export class RowCounter {
  /** plugin name -> stream -> rows */
  readonly byPlugin = new Map<string, Map<string, number>>();

  /** Feed one output line; returns true when it was a record_count metric. */
  add(line: string): boolean {
    const m = METRIC_LINE.exec(line);
    if (!m) return false;
    let metric: {
      type?: unknown;
      metric?: unknown;
      value?: unknown;
      tags?: { stream?: unknown; database?: unknown; table?: unknown };
    };
    try {
      metric = JSON.parse(m[2] ?? '') as typeof metric;
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
    const plugin = m[1] ?? '';
    const streams = this.byPlugin.get(plugin) ?? new Map<string, number>();
    streams.set(stream, (streams.get(stream) ?? 0) + metric.value);
    this.byPlugin.set(plugin, streams);
    return true;
  }

  /** Rows per stream as the extractor (the first of `blocks` that reported) counted them. */
  rowsPerStream(blocks: readonly string[]): Record<string, number> {
    const source =
      blocks.map((b) => this.byPlugin.get(b.split(':')[0] ?? b)).find((s) => s !== undefined) ??
      this.byPlugin.values().next().value;
    return Object.fromEntries(source ?? []);
  }
}
