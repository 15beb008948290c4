/**
 * The one list of notification events. Destinations subscribe to them by
 * name (`on:`), the workflow's plan carries them, messages name them: a new
 * event is added here and nowhere else as a name.
 *
 * - `failure`: a run failed (after its task's last attempt);
 * - `recovery`: a run succeeded after the schedule's previous run failed;
 * - `success`: a run succeeded;
 * - `late`: a run is still running `deadline` after its scheduled time;
 * - `stalled`: a run failed because a task printed nothing for its stall timeout;
 * - `paused`: the schedule was paused after failed runs in a row.
 */
export const NOTIFY_EVENTS = ['failure', 'recovery', 'success', 'late', 'stalled', 'paused'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** What a destination hears when it does not say (`on:`). */
export const DEFAULT_NOTIFY_ON: readonly NotifyEvent[] = ['failure', 'recovery'];

/** Events that open an incident (PagerDuty `trigger`); the others close it (`resolve`). */
export const PROBLEM_EVENTS: readonly NotifyEvent[] = ['failure', 'stalled', 'late', 'paused'];
