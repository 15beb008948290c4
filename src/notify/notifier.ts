/**
 * Sending a run's notifications on the worker: read the schedule's settings
 * from meltano.yml, decide which event each destination earns, resolve each
 * destination's secret from the environment, build the message with secrets
 * masked, send. The workflow hands over names and the run's facts only;
 * everything secret (URLs, routing keys, SMTP credentials, the schedule's
 * env values) is read here and never leaves.
 */
import { loadProject } from '../project/load.js';
import type { Project, ScheduleDef } from '../project/model.js';
import { temporalAnnotations } from '../temporal/annotations.js';
import { projectName } from '../temporal/schedule-mapping.js';
import { maskedEnvValues, scheduleEnv, secretMasker } from '../meltano/mask.js';
import { destinationLabel } from './destinations.js';
import { resolveSecret, sendNotice, sendTestNotice } from './dispatch.js';
import type { NotifyEvent } from './event-names.js';
import { candidateEvents, eventFor, needsHistory, previousRun, type PastRun } from './events.js';
import { runUrl, splitFailure, type RunNotice } from './message.js';
import { WebhookError } from './send.js';
import {
  effectiveNotifySettings,
  notifyPlan,
  projectNotifySettings,
  WebhookConfigError,
  type NotifySettings,
} from './settings.js';

/** What the workflow passes to the notify activity: lands in history, so names and facts only. */
export interface NotifyRunInput {
  projectRoot?: string;
  project?: string;
  schedule: string;
  environment?: string;
  job: string;
  /**
   * `finished`: the run ended (with `outcome`); `late`: still running past the deadline;
   * `paused`: the failed run paused its schedule (`pause_after_failures`, with `paused`).
   */
  event: 'finished' | 'late' | 'paused';
  outcome?: 'succeeded' | 'failed';
  /** The failed task stalled (printed nothing for its stall timeout): `stalled` before `failure`. */
  stalled?: boolean;
  failedTask?: { index: number; total: number; args: string[] };
  /** The job's failure message (already masked on the worker that ran the task). */
  error?: string;
  durationMs?: number;
  scheduledAt?: string;
  retryOf?: { workflowId: string; runId: string };
  /** Event `paused`: how many failed runs in a row, and the note the pause carries. */
  paused?: { failures: number; note: string };
}

/** What the worker provides: the run's identity, its past runs, the UI, the environment. */
export interface NoticeRuntime {
  workflowId: string;
  runId: string;
  namespace: string;
  /** Runs of the same schedule (called only to tell a recovery). */
  pastRuns(): Promise<PastRun[]>;
  /** Base URL of the Temporal Web UI, for a link to the run. */
  uiUrl?: string;
  env: NodeJS.ProcessEnv;
}

/** One destination reached: its label (kind and place, never a URL or key) and the event it was sent. */
export interface Delivery {
  destination: string;
  event: NotifyEvent;
}

export interface NoticeOutcome {
  /** The first event sent (of `deliveries`). */
  sent?: NotifyEvent;
  deliveries?: Delivery[];
  /** Why nothing was sent. */
  skipped?: string;
}

/** The settings that apply to a schedule of a loaded project: its own, the project's, else the worker's default. */
export function settingsFor(
  project: Pick<Project, 'files'>,
  schedule: ScheduleDef | undefined,
  env: NodeJS.ProcessEnv,
): NotifySettings | undefined {
  return effectiveNotifySettings(
    schedule ? temporalAnnotations(schedule).notify : undefined,
    env,
    projectNotifySettings(project),
  );
}

interface Resolved {
  project: Project;
  schedule: ScheduleDef | undefined;
  settings: NotifySettings;
  /** The worker's environment plus the schedule's env. */
  env: Record<string, string | undefined>;
  mask: (text: string) => string;
}

function resolveTarget(root: string, scheduleName: string, env: NodeJS.ProcessEnv): Resolved | string {
  const project = loadProject({ root });
  const schedule = project.schedules.find((s) => s.name === scheduleName);
  const settings = settingsFor(project, schedule, env);
  if (!settings) return `schedule '${scheduleName}' has no notify settings and no default is set`;
  const ownEnv = scheduleEnv(schedule);
  const merged = { ...env, ...ownEnv };
  const where = `schedule '${scheduleName}'`;
  // Every secret that resolves is masked in every message, whichever destination it is for.
  const secrets = settings.destinations.flatMap((d) => {
    try {
      return [resolveSecret(d, merged, where)];
    } catch {
      return [];
    }
  });
  return { project, schedule, settings, env: merged, mask: secretMasker([...maskedEnvValues(ownEnv), ...secrets]) };
}

/** Destinations already reached for a notice on this worker: a retried attempt does not send to them again. */
const reached = new Map<string, number>();
const REACHED_KEPT = 2000;
function remember(key: string): void {
  reached.set(key, Date.now());
  if (reached.size > REACHED_KEPT) reached.delete(reached.keys().next().value as string);
}

function noticeOf(input: NotifyRunInput, rt: NoticeRuntime, target: Resolved, event: NotifyEvent): RunNotice {
  const failure = input.error ? splitFailure(target.mask(input.error)) : undefined;
  return {
    kind: event,
    project: input.project ?? projectName(target.project),
    ...(input.environment ? { environment: input.environment } : {}),
    schedule: input.schedule,
    job: input.job,
    workflowId: rt.workflowId,
    runId: rt.runId,
    status:
      input.event === 'late'
        ? 'running'
        : input.event === 'paused'
          ? 'paused'
          : input.outcome === 'succeeded'
            ? 'succeeded'
            : 'failed',
    ...(input.paused ? { pausedAfter: input.paused.failures, note: target.mask(input.paused.note) } : {}),
    ...(input.failedTask
      ? {
          failedTask: {
            number: input.failedTask.index + 1,
            total: input.failedTask.total,
            task: input.failedTask.args.join(' '),
          },
        }
      : {}),
    ...(failure ? { error: failure.error, logTail: failure.logTail.map(target.mask) } : {}),
    ...(input.durationMs !== undefined ? { durationMs: input.durationMs } : {}),
    ...(input.scheduledAt ? { scheduledAt: input.scheduledAt } : {}),
    ...(event === 'late' && target.settings.deadline ? { deadline: target.settings.deadline } : {}),
    ...(input.retryOf ? { retryOf: input.retryOf } : {}),
    ...(rt.uiUrl ? { url: runUrl(rt.uiUrl, rt.namespace, rt.workflowId, rt.runId) } : {}),
  };
}

async function candidatesFor(
  input: NotifyRunInput,
  rt: NoticeRuntime,
  settings: NotifySettings,
): Promise<NotifyEvent[]> {
  if (input.event === 'late') return ['late'];
  if (input.event === 'paused') return ['paused'];
  const outcome = input.outcome ?? 'failed';
  const wanted = notifyPlan(settings)?.on ?? [];
  const previous = needsHistory(outcome, wanted)
    ? previousRun(await rt.pastRuns(), { workflowId: rt.workflowId, runId: rt.runId })
    : undefined;
  return candidateEvents(outcome, previous, input.stalled ?? false);
}

/** One error for the destinations that failed: retried when any of them may succeed later. */
function combined(failures: Array<{ label: string; err: unknown }>): Error {
  const text = failures.map((f) => `${f.label}: ${(f.err as Error).message}`).join('; ');
  const retryable = failures.some((f) => f.err instanceof WebhookError && f.err.retryable);
  if (retryable || failures.every((f) => f.err instanceof WebhookError)) {
    const first = failures.find((f) => f.err instanceof WebhookError)?.err as WebhookError | undefined;
    return new WebhookError(text, retryable, first?.status, first?.retryAfterMs);
  }
  const config = failures.find((f) => f.err instanceof WebhookConfigError)?.err as WebhookConfigError | undefined;
  return config ? new WebhookConfigError(text, { hint: config.hint }) : (failures[0]?.err as Error);
}

/**
 * Send the notifications a run earns, one per destination that wants one of
 * its events; destinations reached by an earlier attempt are skipped. Throws
 * WebhookError / WebhookConfigError (for the caller's retry policy) when a
 * destination failed, after trying every other one.
 */
export async function deliverRunNotice(root: string, input: NotifyRunInput, rt: NoticeRuntime): Promise<NoticeOutcome> {
  const target = resolveTarget(root, input.schedule, rt.env);
  if (typeof target === 'string') return { skipped: target };
  const candidates = await candidatesFor(input, rt, target.settings);
  const deliveries: Delivery[] = [];
  const failures: Array<{ label: string; err: unknown }> = [];
  for (const [i, d] of target.settings.destinations.entries()) {
    const event = eventFor(candidates, d.on);
    if (!event) continue;
    const label = destinationLabel(d, i);
    const key = `${rt.workflowId}|${rt.runId}|${input.event}|${label}`;
    if (!reached.has(key)) {
      try {
        await sendNotice(d, noticeOf(input, rt, target, event), target.env, `schedule '${input.schedule}'`);
        remember(key);
      } catch (err) {
        failures.push({ label, err });
        continue;
      }
    }
    deliveries.push({ destination: label, event });
  }
  if (failures.length) throw combined(failures);
  if (!deliveries.length) return { skipped: `the outcome earns none of [${candidates.join(', ')}] at any destination` };
  return { sent: deliveries[0]?.event, deliveries };
}

export interface TestResult {
  destination: string;
  kind: string;
  /** The error's message (never a secret) when it failed. */
  error?: string;
}

/** `notify test SCHEDULE`: a test message to each destination with this host's environment. */
export async function sendTestMessages(
  root: string,
  scheduleName: string,
  env: NodeJS.ProcessEnv,
): Promise<{ source: string; results: TestResult[] }> {
  const target = resolveTarget(root, scheduleName, env);
  if (typeof target === 'string') {
    throw new WebhookConfigError(`${target}.`, {
      hint: `add annotations: {temporal: {notify: {to: [{webhook: \${SLACK_WEBHOOK_URL}}]}}} to schedule '${scheduleName}' or to the project, or set MELTANO_TEMPORAL_NOTIFY_WEBHOOK`,
    });
  }
  const environment = target.project.settings.environment.name;
  const notice: RunNotice = {
    kind: 'test',
    project: projectName(target.project),
    ...(environment ? { environment } : {}),
    schedule: scheduleName,
    ...(target.schedule?.kind === 'job' ? { job: target.schedule.job } : {}),
    status: 'test',
  };
  const results: TestResult[] = [];
  for (const [i, d] of target.settings.destinations.entries()) {
    const result: TestResult = { destination: destinationLabel(d, i), kind: d.kind };
    try {
      await sendTestNotice(d, notice, target.env, `schedule '${scheduleName}'`);
    } catch (err) {
      if (!(err instanceof WebhookError || err instanceof WebhookConfigError)) throw err;
      result.error = err instanceof WebhookConfigError ? err.describe() : err.message;
    }
    results.push(result);
  }
  return { source: target.settings.source, results };
}

/** One doctor line per destination that does not resolve here (nothing is sent). */
export function webhookProblems(project: Project, env: NodeJS.ProcessEnv): { configured: number; problems: string[] } {
  let configured = 0;
  const problems: string[] = [];
  for (const schedule of project.schedules) {
    try {
      const settings = settingsFor(project, schedule, env);
      if (!settings) continue;
      configured++;
      for (const d of settings.destinations) {
        try {
          resolveSecret(d, { ...env, ...scheduleEnv(schedule) }, `schedule '${schedule.name}'`);
        } catch (err) {
          problems.push(err instanceof Error ? err.message : String(err));
        }
      }
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { configured, problems: [...new Set(problems)] };
}
