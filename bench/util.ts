/** Helpers shared by the benchmarks: timing child processes and medians. */
import { execa } from 'execa';
import { performance } from 'node:perf_hooks';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Wall time of one process run, in milliseconds; fails if the command fails. */
export async function timeProcess(
  file: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ ms: number; stdout: string }> {
  const start = performance.now();
  const r = await execa(file, args, { cwd, env, stdin: 'ignore' });
  return { ms: performance.now() - start, stdout: r.stdout };
}

export function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
