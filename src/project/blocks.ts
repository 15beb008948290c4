/**
 * Checks the blocks of a job's tasks against the project's plugins, as
 * `meltano job add` does: every block names a plugin (optionally
 * `plugin:command`), a mapping of a mapper, or another job; an extractor
 * starts a set that must end with a loader, with only mappers between.
 */
import type { Project } from './model.js';
import { taskArgs, type TasksValue } from './tasks.js';

const CONSUMERS = new Set(['mappers', 'loaders']);

/** The first problem with the tasks' blocks, in Meltano's words, or null. */
export function blocksProblem(project: Project, tasks: TasksValue): string | null {
  const typeOf = new Map<string, string>();
  for (const plugin of project.plugins) {
    typeOf.set(plugin.name, plugin.type);
    for (const mapping of plugin.mappings) typeOf.set(mapping, 'mappers');
  }
  const jobs = new Map(project.jobs.map((j) => [j.name, j]));
  for (const args of taskArgs(tasks)) {
    const types: string[] = [];
    for (const block of args) {
      const job = jobs.get(block);
      if (job && typeOf.has(block))
        return `Ambiguous reference to '${block}' which matches a job name AND a plugin name.`;
      if (job) {
        // A job used as a block expands to its own blocks.
        for (const inner of taskArgs(job.tasks).flat())
          types.push(typeOf.get(inner.split(':')[0] ?? inner) ?? 'unknown');
        continue;
      }
      const parts = block.split(':');
      const type = parts.length <= 2 ? typeOf.get(parts[0] ?? '') : undefined;
      if (!type) return `Block ${block} not found`;
      types.push(type);
    }
    for (let i = 0; i < types.length;) {
      if (types[i] === 'extractors') {
        let j = i + 1;
        while (j < types.length && types[j] === 'mappers') j++;
        if (j >= types.length) return 'Loader missing in block set!';
        if (!CONSUMERS.has(types[j] ?? '')) return 'Expected mappers or loaders.';
        i = j + 1;
      } else if (types[i] === 'loaders' || types[i] === 'mappers') {
        return `Unknown command type or bad block sequence at index ${i + 1}, starting block '${args[i]}'`;
      } else {
        i++;
      }
    }
  }
  return null;
}
