/**
 * Sending a run's notification on the worker: read the schedule's settings
 * from meltano.yml, decide which event the run earns, resolve the webhook
 * from the environment, build the message with secrets masked, post it.
 * The workflow hands over names and the run's facts only; everything secret
 * (the URL, the schedule's env values) is read here and never leaves.
 */
import { loadProject } from '../project/load.js';
import type { Project, ScheduleDef } from '../project/model.js';
import { temporalAnnotations } from '../temporal/annotations.js';
import { projectName } from '../temporal/schedule-mapping.js';
import { maskedEnvValues, scheduleEnv, secretMasker } from '../meltano/mask.js';
import { eventForOutcome, needsHistory, previousRun, type PastRun } from './events.js';
import { buildMessage, runUrl, splitFailure, type RunNotice, type WebhookMessage } from './message.js';
import { postWebhook } from './send.js';
import {
  effectiveNotifySettings,
  resolveWebhook,
  WebhookConfigError,
  type NotifyEvent,
  type NotifySettings,
} from './settings.js';

/** What the workflow passes to the notify activity: lands in history, so names and facts only. */
export interface NotifyRunInput {
  projectRoot?: string;
  project?: string;
  schedule: string;
  environment?: string;
  job: string;
  /** `finished`: the run ended (with `outcome`); `late`: still running past the deadline. */
  event: 'finished' | 'late';
  outcome?: 'succeeded' | 'failed';
  failedTask?: { index: number; total: number; args: string[] };
  /** The job's failure message (already masked on the worker that ran the task). */
  error?: string;
  durationMs?: number;
  scheduledAt?: string;
  retryOf?: { workflowId: string; runId: string };
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

export interface NoticeOutcome {
  sent?: NotifyEvent;
  /** Why nothing was sent. */
  skipped?: string;
}

/** The settings that apply to a schedule of a loaded project (its own, else the worker's default). */
export function settingsFor(schedule: ScheduleDef | undefined, env: NodeJS.ProcessEnv): NotifySettings | undefined {
  return effectiveNotifySettings(schedule ? temporalAnnotations(schedule).notify : undefined, env);
}

interface Resolved {
  project: Project;
  schedule: ScheduleDef | undefined;
  settings: NotifySettings;
  url: string;
  mask: (text: string) => string;
}

function resolveTarget(root: string, scheduleName: string, env: NodeJS.ProcessEnv): Resolved | string {
  const project = loadProject({ root });
  const schedule = project.schedules.find((s) => s.name === scheduleName);
  const settings = settingsFor(schedule, env);
  if (!settings) return `schedule '${scheduleName}' has no notify settings and no default webhook is set`;
  const ownEnv = scheduleEnv(schedule);
  const url = resolveWebhook(settings, { ...env, ...ownEnv }, `schedule '${scheduleName}'`);
  return { project, schedule, settings, url, mask: secretMasker([...maskedEnvValues(ownEnv), url]) };
}

/** Send the notification a run earns, if any; throws WebhookError / WebhookConfigError to the caller's retry policy. */
export async function deliverRunNotice(
  root: string,
  input: NotifyRunInput,
  rt: NoticeRuntime,
): Promise<NoticeOutcome & { message?: WebhookMessage }> {
  const target = resolveTarget(root, input.schedule, rt.env);
  if (typeof target === 'string') return { skipped: target };
  const { settings, mask } = target;
  let event: NotifyEvent | undefined;
  if (input.event === 'late') {
    event = settings.on.includes('late') ? 'late' : undefined;
  } else {
    const outcome = input.outcome ?? 'failed';
    const previous = needsHistory(outcome, settings.on)
      ? previousRun(await rt.pastRuns(), { workflowId: rt.workflowId, runId: rt.runId })
      : undefined;
    event = eventForOutcome(outcome, previous, settings.on);
  }
  if (!event) return { skipped: `the outcome earns no event in notify.on [${settings.on.join(', ')}]` };

  const failure = input.error ? splitFailure(mask(input.error)) : undefined;
  const notice: RunNotice = {
    kind: event,
    project: input.project ?? projectName(target.project),
    ...(input.environment ? { environment: input.environment } : {}),
    schedule: input.schedule,
    job: input.job,
    workflowId: rt.workflowId,
    runId: rt.runId,
    status: input.event === 'late' ? 'running' : input.outcome === 'succeeded' ? 'succeeded' : 'failed',
    ...(input.failedTask
      ? {
          failedTask: {
            number: input.failedTask.index + 1,
            total: input.failedTask.total,
            task: input.failedTask.args.join(' '),
          },
        }
      : {}),
    ...(failure ? { error: failure.error, logTail: failure.logTail.map(mask) } : {}),
    ...(input.durationMs !== undefined ? { durationMs: input.durationMs } : {}),
    ...(input.scheduledAt ? { scheduledAt: input.scheduledAt } : {}),
    ...(event === 'late' && settings.deadline ? { deadline: settings.deadline } : {}),
    ...(input.retryOf ? { retryOf: input.retryOf } : {}),
    ...(rt.uiUrl ? { url: runUrl(rt.uiUrl, rt.namespace, rt.workflowId, rt.runId) } : {}),
  };
  const message = buildMessage(notice);
  await postWebhook(target.url, message);
  return { sent: event, message };
}

/** `notify test SCHEDULE`: post a test message with this host's environment; returns where the settings came from. */
export async function sendTestMessage(
  root: string,
  scheduleName: string,
  env: NodeJS.ProcessEnv,
): Promise<{ source: string; message: WebhookMessage }> {
  const target = resolveTarget(root, scheduleName, env);
  if (typeof target === 'string') {
    throw new WebhookConfigError(`${target}.`, {
      hint: `add annotations: {temporal: {notify: {webhook: \${SLACK_WEBHOOK_URL}}}} to schedule '${scheduleName}', or set MELTANO_TEMPORAL_NOTIFY_WEBHOOK`,
    });
  }
  const message = buildMessage({
    kind: 'test',
    project: projectName(target.project),
    schedule: scheduleName,
    ...(target.schedule?.kind === 'job' ? { job: target.schedule.job } : {}),
    status: 'test',
  });
  await postWebhook(target.url, message);
  return { source: target.settings.source, message };
}

/** One doctor line per schedule with notifications: does its webhook resolve here (nothing is posted)? */
export function webhookProblems(project: Project, env: NodeJS.ProcessEnv): { configured: number; problems: string[] } {
  let configured = 0;
  const problems: string[] = [];
  for (const schedule of project.schedules) {
    let settings: NotifySettings | undefined;
    try {
      settings = settingsFor(schedule, env);
      if (!settings) continue;
      configured++;
      resolveWebhook(settings, { ...env, ...scheduleEnv(schedule) }, `schedule '${schedule.name}'`);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { configured, problems };
}
