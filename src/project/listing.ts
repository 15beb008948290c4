/**
 * `schedule list` and `job list` output, shaped exactly like Meltano's so
 * that scripts written for `meltano schedule list --format=json` keep working.
 */
import { cronInterval } from './interval.js';
import { eltArgs } from './resolve.js';
import type { EntryProblem, JobDef, JobSchedule, Project, ScheduleDef } from './model.js';
import { lookupJob } from './jobs.js';
import type { TasksValue } from './tasks.js';
import { pyRepr } from './python-format.js';

/** Python's `str()`: a string as it is, anything else as its `repr()` (how Meltano prints tasks in f-strings). */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** A schedule's interval in Meltano's JSON: as YAML gave it (`42` stays a number). */
type IntervalJson = string | null | NonNullable<ScheduleDef['intervalScalar']>;

export interface JobScheduleJson {
  name: string;
  interval: IntervalJson;
  cron_interval: IntervalJson;
  env: Record<string, unknown>;
  job: { name: string; tasks: TasksValue };
}

export interface EltScheduleJson {
  name: string;
  extractor: string;
  loader: string;
  transform: string;
  interval: IntervalJson;
  env: Record<string, unknown>;
  cron_interval: IntervalJson;
  /** Needs Meltano's system database; this tool does not read it and always says null. */
  last_successful_run_ended_at: null;
  elt_args: string[];
}

export interface ScheduleListJson {
  schedules: { job: JobScheduleJson[]; elt: EltScheduleJson[] };
}

/** A job schedule whose job does not exist, or exists but cannot be read (`invalid`). */
export interface MissingJob {
  schedule: JobSchedule;
  invalid?: EntryProblem;
}

/**
 * Meltano's `interval` and `cron_interval` (`CRON_INTERVALS.get(interval, interval) if interval else None`):
 * a number or boolean as written, and as its own cron_interval unless Python finds it false (0, 0.0, False).
 */
function intervalJson(s: ScheduleDef): { interval: IntervalJson; cron_interval: IntervalJson } {
  const scalar = s.intervalScalar;
  if (scalar === undefined) return { interval: s.interval, cron_interval: cronInterval(s.interval) };
  const truthy = typeof scalar === 'boolean' ? scalar : Number(scalar.valueOf()) !== 0;
  return { interval: scalar, cron_interval: truthy ? scalar : null };
}

export function scheduleListJson(project: Project): { json: ScheduleListJson; missing: MissingJob[] } {
  const jobs = new Map(project.jobs.map((j) => [j.name, j]));
  const json: ScheduleListJson = { schedules: { job: [], elt: [] } };
  const missing: MissingJob[] = [];
  for (const s of project.schedules) {
    if (s.kind === 'job') {
      const job = jobs.get(s.job);
      if (!job) {
        const lookup = lookupJob(project, s.job);
        missing.push('invalid' in lookup ? { schedule: s, invalid: lookup.invalid } : { schedule: s });
        continue;
      }
      const { interval, cron_interval } = intervalJson(s);
      json.schedules.job.push({
        name: s.name,
        interval,
        cron_interval,
        env: s.env,
        job: { name: job.name, tasks: job.tasks },
      });
    } else {
      const { interval, cron_interval } = intervalJson(s);
      json.schedules.elt.push({
        name: s.name,
        extractor: s.extractor,
        loader: s.loader,
        transform: s.transform,
        interval,
        env: s.env,
        cron_interval,
        last_successful_run_ended_at: null,
        elt_args: eltArgs(s),
      });
    }
  }
  return { json, missing };
}

const ELT_MARKERS: Record<string, [string, string]> = { run: ['→', '→'], only: ['×', '→'], skip: ['→', 'x'] };

export function scheduleTextLine(s: ScheduleDef, job: JobDef | undefined): string {
  if (s.kind === 'job') return `[${s.interval ?? 'None'}] job ${s.name}: ${s.job} → ${pyStr(job?.tasks)}`;
  const [a, b] = ELT_MARKERS[s.transform] ?? ['→', '→'];
  return `[${s.interval ?? 'None'}] elt ${s.name}: ${s.extractor} ${a} ${s.loader} ${b} transforms`;
}

export function missingJobMessage(m: MissingJob): string {
  if (m.invalid) {
    const p = m.invalid;
    return `${m.schedule.file}: schedule '${m.schedule.name}': job '${m.schedule.job}' (${p.file}) is invalid: ${p.reason ?? p.message}. The schedule is left out; fix the job: ${p.fix ?? `correct it in ${p.file}`}`;
  }
  return `${m.schedule.file}: schedule '${m.schedule.name}': Job '${m.schedule.job}' was not found. The schedule is left out; add the job (meltano-temporal job add ${m.schedule.job} --tasks ...) or point the schedule at an existing one (meltano-temporal schedule set ${m.schedule.name} --job NAME).`;
}

export function jobJson(job: JobDef): { job_name: string; tasks: TasksValue } {
  return { job_name: job.name, tasks: job.tasks };
}

export function jobTextLine(job: JobDef): string {
  return `${job.name}: ${pyStr(job.tasks)}`;
}
