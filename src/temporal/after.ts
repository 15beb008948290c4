/**
 * `annotations.temporal.after` as Temporal carries it: each upstream learns, through the input sync writes into
 * its schedule, which downstreams it releases. The graph itself (names, cycles) is checked by
 * src/project/after-graph.ts, shared with the edits of meltano.yml. Pure: reads the model only.
 */
import type { Project } from '../project/model.js';
import { upstreamsOf } from '../project/after-graph.js';
import type { DownstreamRelease } from '../../workflows/after-types.js';

/** The schedules that run after `schedule`, each with all its upstreams (sync writes them into its input). */
export function downstreamsOf(project: Pick<Project, 'schedules'>, schedule: string): DownstreamRelease[] {
  return project.schedules
    .map((s) => ({ schedule: s.name, upstreams: upstreamsOf(s) }))
    .filter((d) => d.upstreams.includes(schedule));
}
