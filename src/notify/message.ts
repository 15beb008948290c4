/**
 * The notification a webhook receives: `text` reads well in a Slack channel
 * (mrkdwn, one headline, the failed task's last log lines in a code block),
 * and the same facts as structured fields for any other receiver.
 */
import { formatDuration } from '../../workflows/summary.js';
import type { NotifyEvent } from './event-names.js';

export type NoticeKind = NotifyEvent | 'test';

export interface RunNotice {
  kind: NoticeKind;
  project: string;
  environment?: string;
  schedule: string;
  job?: string;
  workflowId?: string;
  runId?: string;
  /** The run's state when the message was sent. */
  status: 'failed' | 'succeeded' | 'running' | 'paused' | 'test';
  /** `paused`: the failed runs in a row that paused the schedule, and the pause's note. */
  pausedAfter?: number;
  note?: string;
  failedTask?: { number: number; total: number; task: string };
  /** First line of the failure. */
  error?: string;
  /** Last lines of the failed task's output, already masked. */
  logTail?: string[];
  durationMs?: number;
  scheduledAt?: string;
  deadline?: string;
  /** The run this one retries (`runs retry`). */
  retryOf?: { workflowId: string; runId?: string };
  /** The run in the Temporal Web UI. */
  url?: string;
}

/** What is posted: Slack's `text` plus every field of the notice. */
export type WebhookMessage = { text: string } & Omit<RunNotice, 'kind'> & { event: NoticeKind };

/** How many log lines a message carries: enough to see the error, short enough for a channel. */
export const LOG_TAIL_LINES = 15;
const MAX_LINE = 300;

/** Slack mrkdwn treats &, < and > as markup. */
function esc(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

/** `https://ui/namespaces/ns/workflows/<id>/<run id>` (ids URL-encoded). */
export function runUrl(uiBase: string, namespace: string, workflowId: string, runId?: string): string {
  const base = uiBase.replace(/\/+$/u, '');
  const path = `/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return `${base}${path}${runId ? `/${encodeURIComponent(runId)}/history` : ''}`;
}

/**
 * The failed task's message, split into its first line and the output lines
 * after it (the task failure carries the last 40 lines, masked on the worker).
 */
export function splitFailure(message: string, lines = LOG_TAIL_LINES): { error: string; logTail: string[] } {
  const all = message.split('\n');
  const error = (all[0] ?? '').slice(0, MAX_LINE * 2);
  const tail = all
    .slice(1)
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l));
  return { error, logTail: tail };
}

function headline(n: RunNotice): string {
  const where = `*${esc(n.schedule)}*`;
  const dur = n.durationMs !== undefined ? ` in ${formatDuration(n.durationMs)}` : '';
  switch (n.kind) {
    case 'failure': {
      const task = n.failedTask
        ? `: task ${n.failedTask.number}/${n.failedTask.total} \`${esc(n.failedTask.task)}\` failed`
        : '';
      return `:red_circle: Run of schedule ${where} failed${task}${n.durationMs !== undefined ? ` after ${formatDuration(n.durationMs)}` : ''}`;
    }
    case 'stalled': {
      const task = n.failedTask
        ? ` at task ${n.failedTask.number}/${n.failedTask.total} \`${esc(n.failedTask.task)}\``
        : '';
      return `:red_circle: Run of schedule ${where} stalled${task}: no output for its stall_timeout, the task was stopped${n.durationMs !== undefined ? ` after ${formatDuration(n.durationMs)}` : ''}`;
    }
    case 'paused':
      return `:double_vertical_bar: Schedule ${where} paused after ${n.pausedAfter ?? 'several'} failed runs in a row (pause_after_failures): no more runs until it is unpaused (\`meltano-temporal schedule unpause ${esc(n.schedule)}\`)`;
    case 'recovery':
      return `:large_green_circle: Schedule ${where} recovered: this run succeeded${dur} after failed runs`;
    case 'success':
      return `:white_check_mark: Run of schedule ${where} succeeded${dur}`;
    case 'late': {
      const by = n.deadline ? ` ${n.deadline}` : '';
      const at = n.scheduledAt ? ` (${n.scheduledAt})` : '';
      return `:hourglass: Run of schedule ${where} is late: still running${by} after its scheduled time${at}`;
    }
    case 'test':
      return `:wave: Test message from meltano-temporal for schedule ${where}: notifications reach this channel`;
  }
}

export function buildMessage(n: RunNotice): WebhookMessage {
  const context = [
    `project ${n.project}${n.environment ? ` (${n.environment})` : ''}`,
    ...(n.job ? [`job ${n.job}`] : []),
  ].join(', ');
  const lines = [headline(n), esc(context)];
  if (n.workflowId) {
    const id = `${n.workflowId}${n.runId ? ` (run ${n.runId})` : ''}`;
    lines.push(n.url ? `<${n.url}|${esc(id)}>` : esc(id));
  }
  if (n.retryOf)
    lines.push(esc(`retry of ${n.retryOf.workflowId}${n.retryOf.runId ? ` (run ${n.retryOf.runId})` : ''}`));
  if (n.error) lines.push(esc(n.error));
  if (n.note) lines.push(esc(`note: ${n.note}`));
  if (n.logTail?.length) lines.push(`\`\`\`${esc(n.logTail.join('\n'))}\`\`\``);
  const { kind, ...fields } = n;
  return { text: lines.join('\n'), event: kind, ...fields };
}

/** Slack mrkdwn as plain text (email, PagerDuty): no emoji codes, bold, code fences or escapes; links as `text: url`. */
export function plainText(mrkdwn: string): string {
  return mrkdwn
    .replace(/^:[a-z_]+: /gmu, '')
    .replace(/<([^|>]+)\|([^>]+)>/gu, '$2: $1')
    .replace(/```/gu, '\n')
    .replace(/\*([^*\n]+)\*/gu, '$1')
    .replace(/`([^`\n]+)`/gu, "'$1'")
    .replace(/&lt;/gu, '<')
    .replace(/&gt;/gu, '>')
    .replace(/&amp;/gu, '&');
}
