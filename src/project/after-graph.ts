/**
 * The graph of `annotations.temporal.after: [schedule names]` in meltano.yml: a schedule runs once every
 * schedule it names has succeeded (docs/pipelines.md). The one check of that graph, shared by `sync` (before it
 * asks the server) and by every edit of the schedules (before a byte is written), so the two never disagree.
 * Pure: reads the model only; what the graph means to Temporal is src/temporal/after.ts.
 */
import { ProjectFileError, UserError } from '../errors.js';
import type { Project, ScheduleDef } from './model.js';

const temporalOf = (s: Pick<ScheduleDef, 'annotations'>): Record<string, unknown> | undefined => {
  const t = s.annotations?.temporal;
  return t !== null && typeof t === 'object' && !Array.isArray(t) ? (t as Record<string, unknown>) : undefined;
};

const entryOf = (s: Pick<ScheduleDef, 'name'>): string => `schedule '${s.name}' annotations.temporal.after`;

/**
 * The schedules `schedule` runs after, as written; empty without `after`.
 * @throws {ProjectFileError} `after` is not a list of schedule names
 */
export function upstreamsOf(schedule: Pick<ScheduleDef, 'name' | 'file' | 'annotations'>): string[] {
  const raw = temporalOf(schedule)?.after;
  if (raw === undefined) return [];
  const names = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(names) || !names.length || names.some((n) => typeof n !== 'string' || !n))
    throw new ProjectFileError(
      schedule.file,
      entryOf(schedule),
      `must be a list of schedule names, not ${JSON.stringify(raw)}`,
      {
        hint: 'write after: [extract-a, extract-b]',
      },
    );
  return [...new Set(names as string[])];
}

/**
 * Every `after` of the project refers to a schedule of the project and no schedule runs after itself, however
 * indirectly. Checked before sync lists or changes anything.
 * @throws {ProjectFileError} an `after` that is not a list, names an unknown schedule, or closes a cycle
 */
export function checkAfterGraph(project: Pick<Project, 'schedules'>): void {
  const byName = new Map(project.schedules.map((s) => [s.name, s]));
  const edges = new Map<string, string[]>();
  for (const s of project.schedules) {
    const ups = upstreamsOf(s);
    const unknown = ups.filter((u) => !byName.has(u));
    if (unknown.length)
      throw new ProjectFileError(
        s.file,
        entryOf(s),
        `names ${unknown.map((u) => `'${u}'`).join(', ')}, which ${unknown.length === 1 ? 'is not a schedule' : 'are not schedules'} of this project`,
        { hint: `name schedules of this project (meltano-temporal schedule list), or remove ${unknown.join(', ')}` },
      );
    edges.set(s.name, ups);
  }
  // Depth-first search; a schedule met again while still on the path closes a cycle.
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'open') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const first = byName.get(cycle[0] ?? name) as ScheduleDef;
      throw new ProjectFileError(first.file, entryOf(first), `makes a cycle: ${cycle.join(' runs after ')}`, {
        hint: `remove one of these from an after list: ${cycle
          .slice(0, -1)
          .map((n, i) => `'${cycle[i + 1]}' from ${n}`)
          .join(', ')}`,
      });
    }
    state.set(name, 'open');
    path.push(name);
    for (const up of edges.get(name) ?? []) visit(up);
    path.pop();
    state.set(name, 'done');
  };
  for (const s of project.schedules) visit(s.name);
}

/**
 * The schedules that name `name` in their `after`, other than itself: the ones a removal of `name` would leave
 * waiting for a schedule that no longer exists.
 * @throws {ProjectFileError} an `after` that is not a list of schedule names
 */
export function dependantsOf(project: Pick<Project, 'schedules'>, name: string): ScheduleDef[] {
  return project.schedules.filter((s) => s.name !== name && upstreamsOf(s).includes(name));
}

/**
 * An edit of the schedules must leave a graph `sync` takes: the edited project (as it would be written) passes
 * `checkAfterGraph`, or the edit is refused before any file is touched. An edit of a project whose graph was
 * already broken is refused too, unless it mends it: the project would still be one sync refuses.
 * @throws {UserError} the edited project's `after` graph is refused; no file was changed
 */
export function checkEditedAfterGraph(edited: Pick<Project, 'schedules'>): void {
  try {
    checkAfterGraph(edited);
  } catch (err) {
    if (!(err instanceof ProjectFileError)) throw err;
    throw new UserError(`${err.message}. No file was changed.`, { exitCode: err.exitCode, hint: err.hint });
  }
}
