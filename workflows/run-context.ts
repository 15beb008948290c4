/**
 * The time a run stands for travels with it: resolved once by the `resolveJob` activity
 * (recorded in history), then handed to every task and kept in the run's result and
 * failure details for `runs`. Only data changes, no command: runs recorded before it
 * replay unchanged (their resolved job has no context, so nothing is added).
 */
import type { Provenance, ResolvedJob, RunContext } from './types.js';

export function withRunContext(resolved: Pick<ResolvedJob, 'runContext'>): { runContext?: RunContext } {
  return resolved.runContext ? { runContext: resolved.runContext } : {};
}

/** What a run's result and failure details keep of its resolved job: its time and what ran. */
export function runFacts(resolved: Pick<ResolvedJob, 'runContext' | 'provenance'>): {
  runContext?: RunContext;
  provenance?: Provenance;
} {
  return { ...withRunContext(resolved), ...(resolved.provenance ? { provenance: resolved.provenance } : {}) };
}

/** The run's interval and provenance as lines of the UI's current details (Markdown; names and times only). */
export function runFactsDetails(resolved: Pick<ResolvedJob, 'runContext' | 'provenance'>): string | undefined {
  const lines: string[] = [];
  const c = resolved.runContext;
  if (c) lines.push(`**Interval** ${c.intervalStart} → ${c.intervalEnd} (scheduled ${c.scheduledTime})`);
  const p = resolved.provenance;
  if (p) {
    const git = p.git ? `git \`${p.git.commit.slice(0, 12)}\`${p.git.dirty ? ' (dirty)' : ''}` : 'no git';
    const plugins = p.plugins.map((x) => `${x.name}${x.pipUrl ? ` (\`${x.pipUrl}\`)` : ''}`).join(', ');
    lines.push(
      `**Ran** config \`${p.configHash}\` (${p.configFiles.join(', ')}), ${git}, ${p.meltanoVersion ?? 'meltano version unknown'}, worker \`${p.worker.identity}\` (meltano-temporal ${p.worker.version})`,
    );
    if (plugins) lines.push(`**Plugins** ${plugins}`);
  }
  return lines.length ? lines.join('\n') : undefined;
}
