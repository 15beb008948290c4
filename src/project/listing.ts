/**
 * `schedule list` and `job list` output, shaped exactly like Meltano's so
 * that scripts written for `meltano schedule list --format=json` keep working.
 */
import { cronInterval } from './interval.js';
import { eltArgs } from './resolve.js';
import type { JobDef, JobSchedule, Project, ScheduleDef } from './model.js';
import type { TasksValue } from './tasks.js';

/**
 * Python's `json.dumps(value, indent=2)`: ensure_ascii escapes everything outside
 * printable ASCII, a character beyond the BMP as its UTF-16 surrogate pair.
 */
export function pythonJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u{10ffff}]/gu, (c) => {
    let out = '';
    for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}

/** Non-ASCII characters Python's repr() escapes (str.isprintable() is false for categories C* and Z* but the space). */
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

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
    else if (code < 0x7f || !NOT_PRINTABLE.test(ch)) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return quote + out + quote;
}

/** Python's `str()`: a string as it is, anything else as its `repr()` (how Meltano prints tasks in f-strings). */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
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
  if (s.kind === 'job') return `[${s.interval ?? 'None'}] job ${s.name}: ${s.job} → ${pyStr(job?.tasks)}`;
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
  return `${job.name}: ${pyStr(job.tasks)}`;
}
