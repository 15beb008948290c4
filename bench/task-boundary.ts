/**
 * Where the time between tasks goes, from one run's history (server-side
 * event times) and the stand-in `meltano`'s own start and exit stamps (same
 * host, same clock): for each task boundary, process exit -> activity
 * completed on the server -> workflow task started (dispatched to the worker)
 * -> workflow task completed (workflow code ran, next activity scheduled) ->
 * activity task started (dispatched) -> next process start. Also what the run
 * cost the server: workflow tasks, activity tasks, local activities, events.
 */
import type { temporal } from '@temporalio/proto';
import { ACTIVITY } from '../workflows/contract.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Segment names of a task boundary, in order; their sum is the whole gap. */
export const GAP_SEGMENTS = [
  ['exit->completed', 'process exit -> activity completed (worker: exit seen, result reported)'],
  ['completed->wft', 'activity completed -> workflow task started (server: schedule, dispatch)'],
  ['wft', 'workflow task started -> completed (worker: workflow code, next task scheduled)'],
  ['wft->activity', 'workflow task completed -> activity task started (server: dispatch)'],
  ['activity->spawn', 'activity task started -> process start (worker: activity code, spawn)'],
] as const;

/** Segments of the first task's start, from the start request. */
export const FIRST_SEGMENTS = [
  ['request->started', 'start request -> workflow started (client call, server)'],
  ['started->wft', 'workflow started -> workflow task started (server: dispatch)'],
  ['wft', 'workflow task (worker: workflow code, resolveJob local activity, task scheduled)'],
  ['wft->activity', 'workflow task completed -> activity task started (server: dispatch)'],
  ['activity->spawn', 'activity task started -> process start (worker: activity code, spawn)'],
] as const;

export type GapSegment = (typeof GAP_SEGMENTS)[number][0];
export type FirstSegment = (typeof FIRST_SEGMENTS)[number][0];

export interface RunCost {
  workflowTasks: number;
  activityTasks: number;
  localActivities: number;
  events: number;
}

export interface Breakdown {
  first: Record<FirstSegment, number>;
  gaps: Array<Record<GapSegment, number>>;
  cost: RunCost;
}

function ms(e: HistoryEvent | undefined, what: string): number {
  const t = e?.eventTime;
  if (!t) throw new Error(`history: no ${what} event`);
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}

/** The first event after index `from` that `test` accepts. */
function after(events: HistoryEvent[], from: number, test: (e: HistoryEvent) => unknown): number {
  const i = events.findIndex((e, k) => k > from && Boolean(test(e)));
  if (i < 0) throw new Error('history: an expected event is missing');
  return i;
}

/**
 * @param starts epoch ms of each task's process start (stand-in stamps)
 * @param ends epoch ms of each task's process exit
 * @param requestedAt epoch ms when the run was asked for
 */
export function breakdown(events: HistoryEvent[], starts: number[], ends: number[], requestedAt: number): Breakdown {
  const tasks = events
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.activityTaskScheduledEventAttributes?.activityType?.name === ACTIVITY.runMeltanoTask);
  const eventIdIndex = new Map(events.map((e, i) => [String(e.eventId), i]));
  const startedOf = (scheduledIndex: number): number =>
    after(
      events,
      scheduledIndex,
      (e) =>
        String(e.activityTaskStartedEventAttributes?.scheduledEventId ?? '') ===
        String(events[scheduledIndex]?.eventId),
    );
  const completedOf = (scheduledIndex: number): number =>
    after(
      events,
      scheduledIndex,
      (e) =>
        String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '') ===
        String(events[scheduledIndex]?.eventId),
    );
  // The workflow task whose completion scheduled the activity: its WorkflowTaskCompleted event.
  const wftOf = (scheduledIndex: number): { started: number; completed: number } => {
    const completedId = events[scheduledIndex]?.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId;
    const completed = eventIdIndex.get(String(completedId));
    const startedId =
      completed === undefined ? undefined : events[completed]?.workflowTaskCompletedEventAttributes?.startedEventId;
    const started = eventIdIndex.get(String(startedId));
    if (completed === undefined || started === undefined) throw new Error('history: no workflow task for an activity');
    return { started, completed };
  };
  const first = tasks[0];
  if (!first || starts.length !== tasks.length || ends.length !== tasks.length)
    throw new Error(`history: ${tasks.length} task activities for ${starts.length} process starts`);
  const w0 = wftOf(first.i);
  const a0 = startedOf(first.i);
  const firstBreakdown: Record<FirstSegment, number> = {
    'request->started': ms(events[0], 'WorkflowExecutionStarted') - requestedAt,
    'started->wft': ms(events[w0.started], 'WorkflowTaskStarted') - ms(events[0], 'WorkflowExecutionStarted'),
    wft: ms(events[w0.completed], 'WorkflowTaskCompleted') - ms(events[w0.started], 'WorkflowTaskStarted'),
    'wft->activity': ms(events[a0], 'ActivityTaskStarted') - ms(events[w0.completed], 'WorkflowTaskCompleted'),
    'activity->spawn': (starts[0] as number) - ms(events[a0], 'ActivityTaskStarted'),
  };
  const gaps: Array<Record<GapSegment, number>> = [];
  for (let k = 1; k < tasks.length; k++) {
    const prev = tasks[k - 1]!;
    const next = tasks[k]!;
    const completed = completedOf(prev.i);
    const w = wftOf(next.i);
    const started = startedOf(next.i);
    gaps.push({
      'exit->completed': ms(events[completed], 'ActivityTaskCompleted') - (ends[k - 1] as number),
      'completed->wft': ms(events[w.started], 'WorkflowTaskStarted') - ms(events[completed], 'ActivityTaskCompleted'),
      wft: ms(events[w.completed], 'WorkflowTaskCompleted') - ms(events[w.started], 'WorkflowTaskStarted'),
      'wft->activity': ms(events[started], 'ActivityTaskStarted') - ms(events[w.completed], 'WorkflowTaskCompleted'),
      'activity->spawn': (starts[k] as number) - ms(events[started], 'ActivityTaskStarted'),
    });
  }
  return {
    first: firstBreakdown,
    gaps,
    cost: {
      workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
      activityTasks: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
      localActivities: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
        .length,
      events: events.length,
    },
  };
}
