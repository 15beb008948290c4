/**
 * Checks the blocks of a job's tasks against the project's plugins rule for
 * rule as `meltano job add` does (Meltano's BlockParser): a block naming a
 * job expands to that job's blocks; every block then names a plugin
 * (optionally `plugin:command`) or a mapping of a mapper; an extractor starts
 * a set of mappers ending with a loader; any other plugin except a loader or
 * mapper is a command block of its own.
 */
import type { Project } from './model.js';
import { taskArgs, type TasksValue } from './tasks.js';

/** Meltano's BlockSetValidationError prefixes its messages with this. */
const SET_ERROR = 'block violates set requirements: ';

interface FoundBlock {
  /** The plugin's own name (a mapping resolves to its mapper). */
  plugin: string;
  type: string;
  /** The name as written, when the block names a mapper or one of its mappings. */
  mappingRef?: string;
}

/** The first problem with the tasks' blocks, in Meltano's words, or null. */
export function blocksProblem(project: Project, tasks: TasksValue): string | null {
  const plugins = new Map<string, FoundBlock>();
  const mappings = new Map<string, FoundBlock>();
  for (const p of project.plugins) {
    if (!plugins.has(p.name)) plugins.set(p.name, { plugin: p.name, type: p.type });
    for (const m of p.mappings) if (!mappings.has(m)) mappings.set(m, { plugin: p.name, type: p.type });
  }
  const jobs = new Map(project.jobs.map((j) => [j.name, j]));
  for (const args of taskArgs(tasks)) {
    // A block naming a job is replaced by that job's blocks (one level, as Meltano).
    const names = args.flatMap((block) => {
      const job = jobs.get(block);
      return job ? taskArgs(job.tasks).flat() : [block];
    });
    const found: FoundBlock[] = [];
    for (const name of names) {
      const parts = name.split(':');
      const base = parts.length === 2 ? (parts[0] ?? name) : name;
      const block = plugins.get(base) ?? mappings.get(base);
      if (!block) return `Block ${name} not found`;
      if (jobs.has(name)) return `Ambiguous reference to '${name}' which matches a job name AND a plugin name.`;
      found.push(block.type === 'mappers' ? { ...block, mappingRef: base } : block);
    }
    const problem = blockSequenceProblem(found);
    if (problem) return problem;
  }
  return null;
}

/** Meltano's find_blocks: extract-load sets and command blocks, in order. */
function blockSequenceProblem(blocks: readonly FoundBlock[]): string | null {
  for (let cur = 0; cur < blocks.length;) {
    const head = blocks[cur] as FoundBlock;
    if (head.type === 'extractors') {
      let end = -1;
      for (let i = cur + 1; i < blocks.length; i++) {
        const b = blocks[i] as FoundBlock;
        if (b.type === 'loaders') {
          end = i;
          break;
        }
        if (b.type !== 'mappers') break;
        // Meltano looks the mapping reference up by the position inside the set,
        // not in the task; kept so that both tools accept the same tasks.
        if (b.plugin === blocks[i - cur]?.mappingRef)
          return `${SET_ERROR}Expected unique mappings name not the mapper plugin name: ${b.plugin}.`;
      }
      if (end >= 0) {
        cur = end + 1;
        continue;
      }
      if (blocks.slice(cur + 1).every((b) => b.type === 'mappers')) return `${SET_ERROR}Loader missing in block set!`;
    } else if (head.type !== 'loaders' && head.type !== 'mappers') {
      cur++;
      continue;
    }
    return `${SET_ERROR}Unknown command type or bad block sequence at index ${cur + 1}, starting block '${head.plugin}'`;
  }
  return null;
}
