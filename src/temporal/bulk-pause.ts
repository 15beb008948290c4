/**
 * Pause or unpause many schedules at once (`schedule pause --all | --job J |
 * --environment E`): which schedules a selection means, then each one's
 * state changed with the note (Temporal's schedule note), a few at a time,
 * reporting each as it is done. A schedule already in the wanted state is
 * left as it is, its note kept (a schedule paused for another reason keeps
 * that reason); one not in Temporal or one that fails is reported and the
 * others still go on.
 */
import { JobNotFoundError, UserError } from '../errors.js';
import { findJob, type Project } from '../project/model.js';
import { mapLimit } from '../util/map-limit.js';
import type { ScheduleService } from './schedules.js';
import { clientSdk } from './sdk.js';

export type PauseVerb = 'pause' | 'unpause';

/** What was selected: every schedule of the scope, or those that run one job. */
export type PauseSelection = { all: true } | { job: string };

export type PauseResult = 'paused' | 'unpaused' | 'already paused' | 'not paused' | 'not synced' | 'failed';

export interface PauseOutcome {
  name: string;
  scheduleId: string;
  result: PauseResult;
  /** The note the schedule had before (kept when its state did not change). */
  previousNote?: string;
  error?: string;
}

/** The schedules a selection means, in meltano.yml order. */
export function selectSchedules(project: Project, selection: PauseSelection): string[] {
  if ('all' in selection) {
    if (!project.schedules.length) {
      throw new UserError('The project has no schedules.', {
        hint: 'add one: meltano-temporal schedule add NAME --job JOB --interval @daily',
      });
    }
    return project.schedules.map((s) => s.name);
  }
  if (!findJob(project, selection.job)) throw new JobNotFoundError(selection.job);
  const names = project.schedules.filter((s) => s.kind === 'job' && s.job === selection.job).map((s) => s.name);
  if (!names.length) {
    throw new UserError(`No schedule runs job '${selection.job}'.`, {
      hint: 'see which job each schedule runs with: meltano-temporal schedule list',
    });
  }
  return names;
}

const CONCURRENCY = 8;

export async function pauseMany(
  schedules: ScheduleService,
  names: readonly string[],
  verb: PauseVerb,
  note: string,
  onDone: (outcome: PauseOutcome, done: number, total: number) => void = () => {},
): Promise<PauseOutcome[]> {
  const { ScheduleNotFoundError } = clientSdk();
  let done = 0;
  return mapLimit(names, CONCURRENCY, async (name): Promise<PauseOutcome> => {
    const scheduleId = schedules.idOf(name);
    const handle = schedules.client.schedule.getHandle(scheduleId);
    let outcome: PauseOutcome;
    try {
      const { state } = await handle.describe();
      const previous = state.note ? { previousNote: state.note } : {};
      if (state.paused === (verb === 'pause')) {
        outcome = { name, scheduleId, result: verb === 'pause' ? 'already paused' : 'not paused', ...previous };
      } else {
        await (verb === 'pause' ? handle.pause(note) : handle.unpause(note));
        outcome = { name, scheduleId, result: verb === 'pause' ? 'paused' : 'unpaused', ...previous };
      }
    } catch (err) {
      outcome =
        err instanceof ScheduleNotFoundError
          ? { name, scheduleId, result: 'not synced' }
          : { name, scheduleId, result: 'failed', error: err instanceof Error ? err.message : String(err) };
    }
    onDone(outcome, ++done, names.length);
    return outcome;
  });
}
