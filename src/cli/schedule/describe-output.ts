/** The text of `schedule describe`: one schedule as the server holds it, in lines a person reads. */
import type { ScheduleView } from '../../temporal/schedules.js';

/** The next runs, or why there are none: no cron, paused, or a cron no date matches (`0 0 31 2 *`). */
function nextRunsText(v: ScheduleView): string {
  if (v.cron === null) return '(none: manual runs only)';
  // The server lists the times of a paused schedule as if it were not paused.
  const times = v.nextRuns.slice(0, 5).join(', ');
  if (v.paused) return times ? `(none while paused; once unpaused: ${times})` : '(none: paused)';
  if (times) return times;
  return `(none: the cron '${v.cron}' never fires: no date matches it; runs only when triggered)`;
}

export function describeText(v: ScheduleView): string {
  return [
    `schedule   ${v.name}  (${v.scheduleId})`,
    `interval   ${v.interval}  -> ${v.cron ?? 'manual runs only'}`,
    `job        ${v.job}`,
    `paused     ${v.paused ? `yes (${v.note})` : 'no'}`,
    ...(v.pauseAfterFailures ? [`failures   pauses itself after ${v.pauseAfterFailures} failed runs in a row`] : []),
    ...(v.stallTimeout
      ? [
          `stall      a task with no output for ${v.stallTimeout.value} fails as stalled (from ${v.stallTimeout.source})`,
        ]
      : []),
    `overlap    ${v.overlap}`,
    `task queue ${v.taskQueue}: ${
      v.pollers.length
        ? `${v.pollers.length} worker(s) polling (${v.pollers.join(', ')})`
        : `WARNING: no worker polls it, runs will wait; start one: meltano-temporal worker --task-queue ${v.taskQueue}`
    }`,
    `next runs  ${nextRunsText(v)}`,
    `running    ${v.running.join(', ') || '(none)'}`,
    `recent     ${v.recentRuns.length ? '' : '(none)'}`,
    ...v.recentRuns.slice(-5).map((r) => `  ${r.takenAt}  ${r.workflowId}`),
    `drift      ${v.drift.length ? '' : 'none: in step with meltano.yml'}`,
    ...v.drift.map((d) => `  ${d}`),
  ].join('\n');
}
