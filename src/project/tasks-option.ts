/** `--tasks` of `job add|set`, read as Meltano reads it. */
import { parse as parseYaml } from 'yaml';
import { tasksShapeProblem, type TaskItem } from './tasks.js';

/**
 * Parse `--tasks` the way `meltano job add` does: YAML 1.1 like PyYAML, and a
 * lone string becomes a one-task list.
 */
export function parseTasksOption(jobName: string, raw: string): TaskItem[] {
  let value: unknown;
  try {
    value = parseYaml(raw, { version: '1.1' });
  } catch (err) {
    throw new Error(`Job '${jobName}' has invalid tasks. Failed to parse yaml '${raw}': ${(err as Error).message}`);
  }
  const problem = tasksShapeProblem(value);
  if (problem) throw new Error(`Job '${jobName}' has invalid tasks. ${problem}.`);
  return typeof value === 'string' ? [value] : (value as TaskItem[]);
}
