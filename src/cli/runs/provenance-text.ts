/** The one line `runs` prints of what a run ran (its provenance). */
import type { Provenance } from '../../../workflows/types.js';

/** `config 3f9a1c2b4d5e6f70, git 1a2b3c4 (dirty), meltano 4.4.1, worker 123@host`. */
export function provenanceText(p: Provenance): string {
  return [
    `config ${p.configHash}`,
    p.git ? `git ${p.git.commit.slice(0, 7)}${p.git.dirty ? ' (dirty)' : ''}` : 'no git',
    p.meltanoVersion ? p.meltanoVersion.replace(/^meltano, version /u, 'meltano ') : undefined,
    `worker ${p.worker.identity}`,
  ]
    .filter(Boolean)
    .join(', ');
}
