/**
 * `annotations.temporal.after: [schedule names]`: a schedule that runs once every schedule it names has
 * succeeded. The graph is checked as a whole before sync changes anything (an unknown name or a cycle is
 * refused), and each upstream learns, through the input sync writes into its schedule, which downstreams
 * it releases. Pure: reads the model only.
 */
import { ProjectFileError } from '../errors.js';
import type { Project, ScheduleDef } from '../project/model.js';
import type { DownstreamRelease } from '../../workflows/after-types.js';

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

/** The schedules that run after `schedule`, each with all its upstreams (sync writes them into its input). */
export function downstreamsOf(project: Pick<Project, 'schedules'>, schedule: string): DownstreamRelease[] {
  return project.schedules
    .map((s) => ({ schedule: s.name, upstreams: upstreamsOf(s) }))
    .filter((d) => d.upstreams.includes(schedule));
}
