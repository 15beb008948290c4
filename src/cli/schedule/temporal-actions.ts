/** What the schedule commands that act on Temporal do when they run (their flags are in temporal-commands.ts). */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { findSchedule } from '../../project/model.js';
import { loadProject } from '../../project/load.js';
import { checkRunOptionsFor, normaliseRunOptions } from '../../meltano/run-options.js';
import type { BackfillOverlap } from '../../temporal/schedules.js';
import { checkFormat, projectOptions } from '../program/action.js';
import { followExitCode, reconnectWindowMs, runPrinter } from '../runs/follow-output.js';
import { describeText } from './describe-output.js';
import { withServer } from '../program/server-context.js';

export interface ScheduleRunFlags {
  wait: boolean;
  local?: boolean;
  fullRefresh?: boolean;
  refreshCatalog?: boolean;
  /** commander's name for --no-state-update */
  stateUpdate?: boolean;
  stateIdSuffix?: string;
}

function parseTime(value: string, flag: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new UsageError(`${flag} '${value}' is not a date and time.`, {
      hint: `use ISO 8601, e.g. ${flag} 2026-11-01T00:00:00Z`,
    });
  return d;
}

/** `schedule run NAME`: trigger (or start with run options) and follow; `--local` runs the tasks here. */
export async function runSchedule(name: string, opts: ScheduleRunFlags, cmd: Command): Promise<number> {
  const runOptions = normaliseRunOptions({
    fullRefresh: opts.fullRefresh ?? false,
    refreshCatalog: opts.refreshCatalog ?? false,
    noStateUpdate: opts.stateUpdate === false,
    ...(opts.stateIdSuffix !== undefined ? { stateIdSuffix: opts.stateIdSuffix } : {}),
  });
  const reconnectWindow = reconnectWindowMs();
  checkRunOptionsFor(findSchedule(loadProject(projectOptions(cmd)), name), runOptions);
  if (opts.local) {
    const { runLocally } = await import('./run-local.js');
    return runLocally(
      projectOptions(cmd),
      name,
      cmd.optsWithGlobals<{ environment?: string }>().environment,
      runOptions,
    );
  }
  return withServer(cmd, async ({ schedules }) => {
    const { started, running, overlap, scheduleId } = runOptions
      ? await schedules.runWithOptions(name, runOptions)
      : await schedules.trigger(name);
    if (!started) {
      const why = running.length
        ? `a run is already in progress (${running.join(', ')}) and the overlap policy is ${overlap}`
        : 'the server started no run';
      process.stderr.write(`Schedule ${scheduleId} was triggered but no run started: ${why}.\n`);
      return 3;
    }
    process.stderr.write(`started ${started} (schedule ${scheduleId})\n`);
    if (!opts.wait) {
      process.stdout.write(`${started}\n`);
      return 0;
    }
    const { followRun } = await import('../../temporal/follow.js');
    return followExitCode(
      await followRun(schedules.client, started, runPrinter(started), { reconnectWindowMs: reconnectWindow }),
    );
  });
}

/** `schedule backfill NAME --start T --end T`. */
export function backfillSchedule(
  name: string,
  opts: { start: string; end: string; overlap: string },
  cmd: Command,
): Promise<void> {
  const start = parseTime(opts.start, '--start');
  const end = parseTime(opts.end, '--end');
  if (end <= start) throw new UsageError('--end must be after --start.');
  return withServer(cmd, async ({ schedules }) => {
    const id = await schedules.backfill(name, { start, end, overlap: opts.overlap.toUpperCase() as BackfillOverlap });
    process.stdout.write(
      `Backfill of '${name}' (${id}) requested from ${start.toISOString()} to ${end.toISOString()}; follow it with: meltano-temporal runs ${name}\n`,
    );
  });
}

/** `schedule describe NAME`. */
export function describeSchedule(name: string, opts: { format: string }, cmd: Command): Promise<void> {
  checkFormat(opts.format, ['text', 'json']);
  return withServer(cmd, async ({ schedules }) => {
    const view = await schedules.describe(name);
    process.stdout.write(`${opts.format === 'json' ? JSON.stringify(view, null, 2) : describeText(view)}\n`);
  });
}
