/** Durations as written in meltano.yml annotations and flags: `500ms`, `30s`, `5m`, `2h`, `30d`. */
const DURATION = /^(\d+(\.\d+)?)(ms|s|m|h|d)$/u;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a duration string; NaN when it is not one. */
export function durationMs(value: string): number {
  const m = DURATION.exec(value);
  if (!m) return Number.NaN;
  return Number(m[1]) * UNIT_MS[m[3] as keyof typeof UNIT_MS];
}

/** `4m 12s`, `1h 3m`, `850ms`: short and readable in a chat message or a log line. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return m ? `${h}h ${m}m` : `${h}h`;
  if (m) return s ? `${m}m ${s}s` : `${m}m`;
  return `${s}s`;
}
