/**
 * Job tasks as Meltano reads them: a YAML value that is a string, or a list
 * whose items are strings or lists of strings. Each top-level item is one
 * `meltano run` invocation (one activity); its words are the run's blocks.
 */
export type TaskItem = string | string[];
export type TasksValue = string | TaskItem[];

/** Why a tasks value does not fit Meltano's tasks schema, or null when it fits. */
export function tasksShapeProblem(value: unknown): string | null {
  if (typeof value === 'string') return null;
  if (!Array.isArray(value)) return `tasks must be a string or a list, not ${describeType(value)}`;
  for (const [i, item] of value.entries()) {
    if (typeof item === 'string') continue;
    if (!Array.isArray(item)) return `task ${i + 1} must be a string or a list of strings, not ${describeType(item)}`;
    for (const [j, inner] of item.entries()) {
      if (typeof inner !== 'string') return `task ${i + 1}, item ${j + 1} must be a string, not ${describeType(inner)}`;
    }
  }
  return null;
}

/**
 * Why tasks that fit the schema still cannot run, or null: no task at all,
 * or a task that names no block (it would run `meltano run` with nothing).
 */
export function emptyTaskProblem(tasks: TasksValue): string | null {
  const args = taskArgs(tasks);
  if (args.length === 0) return 'the list of tasks is empty';
  const empty = args.findIndex((blocks) => blocks.length === 0);
  return empty >= 0 ? `task ${empty + 1} is empty: it names no block` : null;
}

export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'a string';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The words of one task string; runs of spaces never produce empty words. */
function words(task: string): string[] {
  return task.split(/\s+/u).filter((w) => w.length > 0);
}

/**
 * The blocks of each top-level task, like Meltano's `flat_args_per_set`.
 * A bare-string `tasks` is one task (Meltano would split it character by
 * character, see docs/differences-from-meltano.md).
 */
export function taskArgs(tasks: TasksValue): string[][] {
  const items: TaskItem[] = typeof tasks === 'string' ? [tasks] : tasks;
  return items.map((item) => (typeof item === 'string' ? words(item) : item.flatMap(words)));
}

/**
 * Where a task sits in a parallel group (`annotations.temporal.parallel`): the top-level step it belongs
 * to (0-based) of how many, and its item (0-based) of how many the inner list holds.
 */
export interface GroupPlace {
  step: number;
  steps: number;
  item: number;
  size: number;
}

/**
 * The tasks of a job whose inner lists run in parallel: each item of an inner list of two or more is a task
 * of its own, placed in its group; a string or an inner list of one stays one task, as in `taskArgs`.
 */
export function parallelTaskArgs(tasks: TasksValue): Array<{ args: string[]; group?: GroupPlace }> {
  const items: TaskItem[] = typeof tasks === 'string' ? [tasks] : tasks;
  return items.flatMap((item, step) =>
    typeof item === 'string' || item.length < 2
      ? [{ args: typeof item === 'string' ? words(item) : item.flatMap(words) }]
      : item.map((inner, i) => ({
          args: words(inner),
          group: { step, steps: items.length, item: i, size: item.length },
        })),
  );
}
