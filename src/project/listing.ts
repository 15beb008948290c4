/**
 * `schedule list` and `job list` output, shaped exactly like Meltano's so
 * that scripts written for `meltano schedule list --format=json` keep working.
 */
import { cronInterval } from './interval.js';
import { eltArgs } from './resolve.js';
import type { JobDef, JobSchedule, Project, ScheduleDef } from './model.js';
import type { TasksValue } from './tasks.js';

/** Python's `json.dumps(value, indent=2)`: ensure_ascii escapes everything outside printable ASCII. */
export function pythonJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\uffff]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Python's `repr()` of a str. */
function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return quote + out + quote;
}

/** Python's `repr()` of the YAML values a tasks list can hold. */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return pyStrRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  return String(value);
}

export interface JobScheduleJson {
  name: string;
  interval: string | null;
  cron_interval: string | null;
  env: Record<string, unknown>;
  job: { name: string; tasks: TasksValue };
}

export interface EltScheduleJson {
  name: string;
  extractor: string;
  loader: string;
  transform: string;
  interval: string | null;
  env: Record<string, unknown>;
  cron_interval: string | null;
  /** Needs Meltano's system database; this tool does not read it and always says null. */
  last_successful_run_ended_at: null;
  elt_args: string[];
}

export interface ScheduleListJson {
  schedules: { job: JobScheduleJson[]; elt: EltScheduleJson[] };
}

/** Moved to resolve.ts (what a schedule runs); kept here for existing importers. */
export { eltArgs };

/** A job schedule whose job does not exist. */
export interface MissingJob {
  schedule: JobSchedule;
}

export function scheduleListJson(project: Project): { json: ScheduleListJson; missing: MissingJob[] } {
  const jobs = new Map(project.jobs.map((j) => [j.name, j]));
  const json: ScheduleListJson = { schedules: { job: [], elt: [] } };
  const missing: MissingJob[] = [];
  for (const s of project.schedules) {
    if (s.kind === 'job') {
      const job = jobs.get(s.job);
      if (!job) {
        missing.push({ schedule: s });
        continue;
      }
      json.schedules.job.push({
        name: s.name,
        interval: s.interval,
        cron_interval: cronInterval(s.interval),
        env: s.env,
        job: { name: job.name, tasks: job.tasks },
      });
    } else {
      json.schedules.elt.push({
        name: s.name,
        extractor: s.extractor,
        loader: s.loader,
        transform: s.transform,
        interval: s.interval,
        env: s.env,
        cron_interval: cronInterval(s.interval),
        last_successful_run_ended_at: null,
        elt_args: eltArgs(s),
      });
    }
  }
  return { json, missing };
}

const ELT_MARKERS: Record<string, [string, string]> = { run: ['→', '→'], only: ['×', '→'], skip: ['→', 'x'] };

export function scheduleTextLine(s: ScheduleDef, job: JobDef | undefined): string {
  if (s.kind === 'job') return `[${s.interval ?? 'None'}] job ${s.name}: ${s.job} → ${pyRepr(job?.tasks)}`;
  const [a, b] = ELT_MARKERS[s.transform] ?? ['→', '→'];
  return `[${s.interval ?? 'None'}] elt ${s.name}: ${s.extractor} ${a} ${s.loader} ${b} transforms`;
}

export function missingJobMessage(m: MissingJob): string {
  return `${m.schedule.file}: schedule '${m.schedule.name}': Job '${m.schedule.job}' was not found. The schedule is left out; add the job (meltano-temporal job add ${m.schedule.job} --tasks ...) or point the schedule at an existing one (meltano-temporal schedule set ${m.schedule.name} --job NAME).`;
}

export function jobJson(job: JobDef): { job_name: string; tasks: TasksValue } {
  return { job_name: job.name, tasks: job.tasks };
}

export function jobTextLine(job: JobDef): string {
  return `${job.name}: ${pyRepr(job.tasks)}`;
}
