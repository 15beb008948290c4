/**
 * The edits behind `job add|set|remove` and `schedule add|set|remove`, with
 * Meltano's rules and messages. Each returns an EditPlan for `editProject`,
 * or throws a UserError (then nothing is written).
 */
import { MELTANO_FILE } from './root.js';
import {
  JobNotFoundError,
  MissingOptionError,
  ProjectFileError,
  ScheduleNotInProjectError,
  UserError,
} from '../errors.js';
import { badIntervalMessage, isValidInterval } from './interval.js';
import type { Project, Transform } from './model.js';
import { blocksProblem } from './blocks.js';
import type { EditPlan } from './write.js';
import { emptyTaskProblem, type TaskItem } from './tasks.js';
import { parseTasksOption } from './tasks-option.js';
import { pyRepr } from './python-format.js';
import { lookupJob, lookupSchedule, rawEntry } from './jobs.js';
import { dependantsOf } from './after-graph.js';

export interface Outcome {
  /** What to print on success. */
  message: string;
  /** A warning that still exits 0 (Meltano's "already exists" on schedule add). */
  warning?: string;
}

/** The characters Python's str.splitlines() breaks at: a name holding one prints as several lines. */
// eslint-disable-next-line no-control-regex -- these control characters are the point
const LINE_BREAK = /[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029]/u;

/** A name as messages show it: with its line breaks escaped, so the message itself stays on its lines. */
function shownName(name: string): string {
  return JSON.stringify(name).slice(1, -1);
}

/**
 * A name a new entry may have. Empty: Meltano fails on it (exit 1) after a traceback; we say so first.
 * With a line break: `meltano schedule add` and `meltano job add` write it, and then every text listing
 * (`meltano schedule list`, `meltano job list`, theirs and ours, and our `runs`) prints that entry over
 * several lines, as if it were several entries. Meltano's own output breaks, so there is no behaviour of
 * its to match: the name is refused here, before it is written.
 * @throws {ProjectFileError} the name cannot be used
 */
function checkName(kind: 'Job' | 'Schedule', name: string): void {
  if (name === '')
    throw new UserError(`${kind} name must not be empty.`, { hint: `give the ${kind.toLowerCase()} a name` });
  if (LINE_BREAK.test(name))
    throw new ProjectFileError(
      MELTANO_FILE,
      `${kind.toLowerCase()} '${shownName(name)}'`,
      'the name contains a line break, so every text listing would show this entry over several lines',
      {
        hint: `give the ${kind.toLowerCase()} a name on one line, such as '${shownName(name.split(LINE_BREAK).filter(Boolean).join('-') || 'name')}'`,
      },
    );
}

/**
 * An existing entry whose name has a line break (written by hand or by `meltano`) is not changed
 * further under that name: the fix is to rename it in its file.
 * @throws {ProjectFileError} the entry's name contains a line break
 */
function checkExistingName(kind: 'job' | 'schedule', entry: { name: string; file: string }): void {
  if (LINE_BREAK.test(entry.name))
    throw new ProjectFileError(
      entry.file,
      `${kind} '${shownName(entry.name)}'`,
      'the name contains a line break, so every text listing shows this entry over several lines',
      { hint: `rename it in ${entry.file} to a name on one line, then change it under that name` },
    );
}

const TASKS_HELP = `--tasks takes YAML: 'tap target' or '["tap target", "dbt:run"]'`;

function checkTasks(project: Project, name: string, raw: string): TaskItem[] {
  let tasks: TaskItem[];
  try {
    tasks = parseTasksOption(name, raw);
  } catch (err) {
    throw new UserError((err as Error).message, { hint: TASKS_HELP, cause: err });
  }
  // A task with no block would run `meltano run` with nothing to run (and "succeed").
  const empty = emptyTaskProblem(tasks);
  if (empty) {
    throw new UserError(`Job '${name}' has invalid tasks. ${empty.charAt(0).toUpperCase()}${empty.slice(1)}.`, {
      hint: `every task names at least one block: ${TASKS_HELP}`,
    });
  }
  const problem = blocksProblem(project, tasks);
  if (problem) {
    throw new UserError(`Job '${name}' has invalid tasks. ${problem}`, {
      hint: 'name plugins defined in meltano.yml (meltano-temporal checks plugins, mappings and jobs)',
    });
  }
  return tasks;
}

export function checkInterval(interval: string): void {
  if (!isValidInterval(interval)) {
    throw new UserError(badIntervalMessage(interval), {
      hint: "use a preset (@hourly, @daily, @weekly, @monthly, @yearly, @once, @manual, @none) or 5-field cron such as '0 */6 * * *'",
    });
  }
}

export function planJobAdd(project: Project, name: string, rawTasks: string): EditPlan<Outcome> {
  checkName('Job', name);
  const tasks = checkTasks(project, name, rawTasks);
  if (!('missing' in lookupJob(project, name)))
    throw new UserError(`Job '${name}' already exists.`, {
      hint: `change it with: meltano-temporal job set ${name} --tasks ...`,
    });
  return {
    edits: [{ file: MELTANO_FILE, edit: { op: 'append', key: 'jobs', entry: { name, tasks } } }],
    result: { message: `Added job ${name}: ${pyRepr(tasks)}` },
  };
}

export function planJobSet(project: Project, name: string, rawTasks: string): EditPlan<Outcome> {
  const tasks = checkTasks(project, name, rawTasks);
  // An invalid job is found too: replacing its tasks is how it gets repaired.
  const lookup = lookupJob(project, name);
  if ('missing' in lookup)
    throw new UserError(`Job '${name}' does not exist.`, {
      hint: `create it with: meltano-temporal job add ${name} --tasks ...`,
    });
  const job = 'found' in lookup ? lookup.found : lookup.invalid;
  checkExistingName('job', job);
  return {
    edits: [{ file: job.file, edit: { op: 'set', key: 'jobs', index: job.index, changes: { tasks } } }],
    result: { message: `Updated job ${name}: ${pyRepr(tasks)}` },
  };
}

export function planJobRemove(project: Project, name: string): EditPlan<Outcome> {
  const lookup = lookupJob(project, name);
  if ('missing' in lookup) throw new JobNotFoundError(name);
  const job = 'found' in lookup ? lookup.found : lookup.invalid;
  // Meltano removes the job and leaves its schedules broken; refuse instead.
  const users = [
    ...project.schedules.filter((s) => s.kind === 'job' && s.job === name),
    ...project.problems
      .filter((p) => p.kind === 'schedule' && p.index !== undefined)
      .filter((p) => rawEntry(project, 'schedules', { file: p.file, index: p.index ?? 0 }).job === name)
      .map((p) => ({ name: p.name, file: p.file })),
  ];
  if (users.length) {
    const names = users.map((s) => `'${s.name}' (${s.file})`).join(', ');
    throw new ProjectFileError(job.file, `job '${name}'`, `is still used by schedule(s) ${names}`, {
      hint: `remove them first (meltano-temporal schedule remove NAME) or point them at another job (schedule set NAME --job OTHER)`,
    });
  }
  return {
    edits: [{ file: job.file, edit: { op: 'remove', key: 'jobs', index: job.index } }],
    result: { message: `Removed job '${name}'.` },
  };
}

export interface ScheduleOptions {
  interval?: string;
  job?: string;
  extractor?: string;
  loader?: string;
  transform?: Transform;
}

const MIX = 'Cannot mix --job with --extractor/--loader/--transform';

/** The job a schedule is pointed at must exist (Meltano writes it anyway, then cannot list any schedule). */
function checkJobExists(project: Project, job: string): void {
  if ('missing' in lookupJob(project, job))
    throw new UserError(`Job '${job}' was not found.`, {
      hint: `add it first (meltano-temporal job add ${job} --tasks ...) or name an existing job (meltano-temporal job list)`,
    });
}

export function planScheduleAdd(project: Project, name: string, o: ScheduleOptions): EditPlan<Outcome> {
  checkName('Schedule', name);
  if (!o.interval) throw new MissingOptionError('interval');
  checkInterval(o.interval);
  if (o.job && (o.extractor || o.loader)) throw new UserError(MIX);
  let entry: Record<string, unknown>;
  let message: string;
  if (o.job) {
    entry = { name, interval: o.interval, job: o.job };
    message = `Scheduled job '${name}' at ${o.interval}`;
  } else {
    if (!o.extractor)
      throw new MissingOptionError('extractor', { hint: 'give --job JOB, or --extractor TAP --loader TARGET' });
    if (!o.loader) throw new MissingOptionError('loader', { hint: 'give --loader TARGET' });
    entry = { name, interval: o.interval, extractor: o.extractor, loader: o.loader, transform: o.transform ?? 'skip' };
    message = `Scheduled elt '${name}' at ${o.interval}`;
  }
  if (!('missing' in lookupSchedule(project, name))) {
    return { edits: [], result: { message: '', warning: `Schedule '${name}' already exists.` } };
  }
  if (o.job) checkJobExists(project, o.job);
  return { edits: [{ file: MELTANO_FILE, edit: { op: 'append', key: 'schedules', entry } }], result: { message } };
}

export function planScheduleSet(project: Project, name: string, o: ScheduleOptions): EditPlan<Outcome> {
  if (o.interval !== undefined) checkInterval(o.interval);
  const lookup = lookupSchedule(project, name);
  if ('missing' in lookup) throw new ScheduleNotInProjectError(name);
  // An invalid schedule is found too (setting its fields may be what repairs it); its kind is what it was written as.
  const schedule =
    'found' in lookup
      ? lookup.found
      : {
          ...lookup.invalid,
          kind: rawEntry(project, 'schedules', lookup.invalid).job !== undefined ? 'job' : 'elt',
        };
  checkExistingName('schedule', schedule);
  const changes: Record<string, unknown> = {};
  if (schedule.kind === 'job') {
    if (o.extractor || o.loader || o.transform) throw new UserError(MIX);
    if (o.interval) changes.interval = o.interval;
    if (o.job) {
      checkJobExists(project, o.job);
      changes.job = o.job;
    }
  } else {
    if (o.job) throw new UserError(MIX);
    if (o.interval) changes.interval = o.interval;
    if (o.extractor) changes.extractor = o.extractor;
    if (o.loader) changes.loader = o.loader;
    if (o.transform) changes.transform = o.transform;
  }
  const edits = Object.keys(changes).length
    ? [{ file: schedule.file, edit: { op: 'set' as const, key: 'schedules', index: schedule.index, changes } }]
    : [];
  return { edits, result: { message: `Updated schedule '${name}'` } };
}

export function planScheduleRemove(project: Project, name: string): EditPlan<Outcome> {
  const lookup = lookupSchedule(project, name);
  if ('missing' in lookup) throw new ScheduleNotInProjectError(name);
  const schedule = 'found' in lookup ? lookup.found : lookup.invalid;
  // Removed, it would leave the schedules that run after it waiting for a schedule that no longer exists
  // (sync refuses such a project). No force: the dependants' `after` lists are the entries to change first.
  const dependants = dependantsOf(project, name);
  if (dependants.length) {
    const names = dependants.map((s) => `'${s.name}' (${s.file})`).join(', ');
    throw new ProjectFileError(
      schedule.file,
      `schedule '${name}'`,
      `is named in annotations.temporal.after of schedule(s) ${names}`,
      {
        hint: `first take '${name}' out of the after list of ${dependants.map((s) => s.name).join(', ')} (or remove ${dependants.length === 1 ? 'that schedule' : 'those schedules'}), then remove it`,
      },
    );
  }
  return {
    edits: [{ file: schedule.file, edit: { op: 'remove', key: 'schedules', index: schedule.index } }],
    result: { message: '', warning: `Removed schedule '${name}'` },
  };
}
