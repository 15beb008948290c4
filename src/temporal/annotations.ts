/**
 * `annotations.temporal` of a schedule in meltano.yml: how this tool runs and
 * schedules it. Meltano never reads annotations, so these settings live next
 * to the schedule they govern. Every value is validated with a message that
 * names the file, the schedule and the fix.
 */
import { ProjectFileError } from '../errors.js';
import type { ScheduleDef } from '../project/model.js';
import type { TaskPolicy } from '../../workflows/types.js';
import { DEFAULT_TASK_POLICY } from '../../workflows/task-policy.js';
import { durationMs } from '../util/duration.js';
import { parseNotifyAnnotation, type NotifySettings } from '../notify/settings.js';

export const OVERLAP_POLICIES = [
  'skip',
  'buffer_one',
  'buffer_all',
  'cancel_other',
  'terminate_other',
  'allow_all',
] as const;
export type OverlapPolicyName = (typeof OVERLAP_POLICIES)[number];

export interface TemporalAnnotations {
  policy: TaskPolicy;
  timezone?: string;
  overlap: OverlapPolicyName;
  catchupWindow: string;
  jitter?: string;
  paused: boolean;
  pauseOnFailure: boolean;
  /** `pause_after_failures: N`: the run that makes N failed runs in a row pauses the schedule. */
  pauseAfterFailures?: number;
  /** `stall_timeout` of the schedule itself (the job's and the project's apply when absent: ./stall-timeout.ts). */
  stallTimeout?: string;
  /** `notify:` (webhook alerts); absent when the schedule has none of its own. */
  notify?: NotifySettings | false;
  /** `workflow:` the custom workflow (an exported function of the workflows folder) the schedule starts instead of its job. */
  workflow?: string;
  /** `environments:`: the Meltano environments the schedule exists in; absent: all of them. */
  environments?: string[];
  /** `task_queue:`: the queue its runs go to (workers polling it run them); absent: the scope's queue. */
  taskQueue?: string;
}

/** Documented defaults (docs/configuration.md, "Schedule annotations" and "Mapping"). */
export const DEFAULT_POLICY: TaskPolicy = DEFAULT_TASK_POLICY;
export const DEFAULT_CATCHUP_WINDOW = '5m';

const KNOWN = new Set([
  'attempts',
  'backoff',
  'backoff_coefficient',
  'max_backoff',
  'task_timeout',
  'heartbeat_timeout',
  'timezone',
  'overlap',
  'catchup_window',
  'jitter',
  'paused',
  'pause_on_failure',
  'pause_after_failures',
  'stall_timeout',
  'notify',
  'pool',
  'after',
  'workflow',
  'environments',
  'task_queue',
]);

function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Read and validate `annotations.temporal` of one schedule (defaults when absent). */
export function temporalAnnotations(schedule: Pick<ScheduleDef, 'name' | 'file' | 'annotations'>): TemporalAnnotations {
  const raw = schedule.annotations?.temporal;
  const entry = `schedule '${schedule.name}' annotations.temporal`;
  const fail = (problem: string, fix: string): never => {
    throw new ProjectFileError(schedule.file, entry, problem, { hint: fix });
  };
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    fail('must be a mapping', 'write annotations: {temporal: {attempts: 3, timezone: UTC}}');
  }
  const a = (raw ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(a).filter((k) => !KNOWN.has(k));
  if (unknown.length) fail(`unknown key(s) ${unknown.join(', ')}`, `use only ${[...KNOWN].join(', ')}`);

  const duration = (key: string, fallback: string): string => {
    const v = a[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || !(durationMs(v) > 0))
      fail(`${key} must be a duration such as '30s', '5m' or '2h', not ${JSON.stringify(v)}`, `set ${key}: '5m'`);
    return v as string;
  };
  const positive = (key: string, fallback: number, integer: boolean): number => {
    const v = a[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !(v >= 1) || (integer && !Number.isInteger(v)))
      fail(
        `${key} must be ${integer ? 'a whole number' : 'a number'} of at least 1, not ${JSON.stringify(v)}`,
        `set ${key}: ${fallback}`,
      );
    return v as number;
  };
  const bool = (key: string): boolean => {
    const v = a[key];
    if (v === undefined) return false;
    if (typeof v !== 'boolean') fail(`${key} must be true or false, not ${JSON.stringify(v)}`, `set ${key}: true`);
    return v as boolean;
  };

  const policy: TaskPolicy = {
    maximumAttempts: positive('attempts', DEFAULT_POLICY.maximumAttempts, true),
    initialInterval: duration('backoff', DEFAULT_POLICY.initialInterval),
    backoffCoefficient: positive('backoff_coefficient', DEFAULT_POLICY.backoffCoefficient, false),
    maximumInterval: duration('max_backoff', DEFAULT_POLICY.maximumInterval),
    taskTimeout: duration('task_timeout', DEFAULT_POLICY.taskTimeout),
    heartbeatTimeout: duration('heartbeat_timeout', DEFAULT_POLICY.heartbeatTimeout),
  };
  if (durationMs(policy.heartbeatTimeout) < 30_000) {
    fail(
      `heartbeat_timeout ${policy.heartbeatTimeout} is too short: tasks heartbeat every 10 s and short timeouts kill healthy runs`,
      "use at least '30s' (default '2m')",
    );
  }
  const overlap = a.overlap === undefined ? 'skip' : a.overlap;
  if (typeof overlap !== 'string' || !(OVERLAP_POLICIES as readonly string[]).includes(overlap)) {
    fail(
      `overlap must be one of ${OVERLAP_POLICIES.join(', ')}, not ${JSON.stringify(overlap)}`,
      'set overlap: skip (one run at a time, like Airflow max_active_runs=1)',
    );
  }
  const timezone = a.timezone;
  if (timezone !== undefined && (typeof timezone !== 'string' || !isTimezone(timezone))) {
    fail(`timezone ${JSON.stringify(timezone)} is not an IANA time zone`, 'set timezone: Europe/Paris (or UTC)');
  }
  const jitter = a.jitter === undefined ? undefined : duration('jitter', '0s');
  const notify = a.notify === undefined ? undefined : parseNotifyAnnotation(a.notify, fail);
  const pauseAfterFailures =
    a.pause_after_failures === undefined ? undefined : positive('pause_after_failures', 3, true);
  const stallTimeout = a.stall_timeout === undefined ? undefined : duration('stall_timeout', '');
  const workflow = a.workflow;
  if (workflow !== undefined && (typeof workflow !== 'string' || !/^[A-Za-z_$][\w$]*$/u.test(workflow)))
    fail(
      `workflow must be the name of a function exported from a custom workflow file, not ${JSON.stringify(workflow)}`,
      'set workflow: nightly (see `meltano-temporal workflows list`)',
    );
  const taskQueue = a.task_queue;
  if (
    taskQueue !== undefined &&
    (typeof taskQueue !== 'string' || !taskQueue.trim() || taskQueue.trim() !== taskQueue || taskQueue.includes(','))
  ) {
    fail(
      `task_queue must be a task queue name (no spaces around it, no comma), not ${JSON.stringify(taskQueue)}`,
      'set task_queue: heavy, and start a worker with --task-queue heavy (or --task-queue meltano,heavy)',
    );
  }
  const environments = a.environments;
  if (
    environments !== undefined &&
    (!Array.isArray(environments) ||
      !environments.length ||
      !environments.every((e) => typeof e === 'string' && e.length > 0))
  ) {
    fail(
      `environments must be a list of Meltano environment names, not ${JSON.stringify(environments)}`,
      'set environments: [prod] (or leave it out: every environment)',
    );
  }
  return {
    policy,
    overlap: overlap as OverlapPolicyName,
    catchupWindow: duration('catchup_window', DEFAULT_CATCHUP_WINDOW),
    paused: bool('paused'),
    pauseOnFailure: bool('pause_on_failure'),
    ...(typeof timezone === 'string' ? { timezone } : {}),
    ...(jitter ? { jitter } : {}),
    ...(notify !== undefined ? { notify } : {}),
    ...(pauseAfterFailures !== undefined ? { pauseAfterFailures } : {}),
    ...(stallTimeout ? { stallTimeout } : {}),
    ...(typeof workflow === 'string' ? { workflow } : {}),
    ...(environments ? { environments: environments as string[] } : {}),
    ...(typeof taskQueue === 'string' ? { taskQueue } : {}),
  };
}

/**
 * Why a schedule does not exist in `environment` (the one a sync or command is for), or
 * undefined when it does: its `environments` annotation does not list it. A sync for no
 * environment (`default`) has a schedule only when the list names `default`.
 */
export function notInEnvironment(
  annotations: Pick<TemporalAnnotations, 'environments'>,
  environment: string | undefined,
): string | undefined {
  const listed = annotations.environments;
  const name = environment ?? 'default';
  if (!listed || listed.includes(name)) return undefined;
  return `annotations.temporal.environments is [${listed.join(', ')}], not ${name}`;
}
