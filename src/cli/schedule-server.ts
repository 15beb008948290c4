/**
 * The schedule commands that act on Temporal: run (trigger and follow, or
 * --local), pause, unpause, backfill, describe; and the hook that makes
 * `schedule add|set|remove` reach the server.
 */
import { Command, Option } from 'commander';
import { UserError } from '../project/errors.js';
import type { Project } from '../project/model.js';
import { desiredSchedule, scheduleId } from '../temporal/schedule-mapping.js';
import { action, checkFormat, projectOptions } from './context.js';
import { addServerOptions, serverContext, type ServerContext } from './server-context.js';
import { followRun } from './follow.js';

function knownSchedule(project: Project, name: string) {
  const s = project.schedules.find((x) => x.name === name);
  if (!s)
    throw new UserError(
      `Schedule '${name}' was not found.`,
      1,
      'see the schedules with: meltano-temporal schedule list',
    );
  return s;
}

async function withServer<T>(cmd: Command, fn: (s: ServerContext) => Promise<T>): Promise<T> {
  const server = await serverContext(cmd);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

async function handleFor(server: ServerContext, name: string) {
  knownSchedule(server.project, name);
  const { ScheduleNotFoundError } = await import('@temporalio/client');
  const id = scheduleId(server.ctx.projectKey, server.ctx.environment, name);
  const handle = server.client.schedule.getHandle(id);
  try {
    return { handle, id, description: await handle.describe() };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) {
      throw new UserError(
        `Schedule '${name}' is not in Temporal yet (no schedule ${id} in namespace ${server.client.options.namespace}).`,
        1,
        'run: meltano-temporal sync',
      );
    }
    throw err;
  }
}

function parseTime(value: string, flag: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new UserError(
      `${flag} '${value}' is not a date and time.`,
      2,
      `use ISO 8601, e.g. ${flag} 2026-11-01T00:00:00Z`,
    );
  return d;
}

export function addServerScheduleCommands(schedule: Command): void {
  addServerOptions(schedule.command('run'))
    .description(
      "Trigger a run through Temporal (respecting the overlap policy) and follow it live; the exit code is the run's outcome. --local runs the tasks here without a server, like `meltano schedule run`.",
    )
    .argument('<name>')
    .option('--no-wait', 'return as soon as the run is started')
    .option('--local', 'run the tasks in this process with the same task code, no Temporal server')
    .action(
      action(async (name: string, opts: { wait: boolean; local?: boolean }, cmd: Command) => {
        if (opts.local) {
          const { runLocally } = await import('./run-local.js');
          return runLocally(projectOptions(cmd), name, cmd.optsWithGlobals<{ environment?: string }>().environment);
        }
        return withServer(cmd, async (server) => {
          const { handle, id } = await handleFor(server, name);
          const { triggerAndFindRun } = await import('../temporal/trigger.js');
          const { started, running, overlap } = await triggerAndFindRun(handle);
          if (!started) {
            const why = running.length
              ? `a run is already in progress (${running.join(', ')}) and the overlap policy is ${overlap}`
              : 'the server started no run';
            process.stderr.write(`Schedule ${id} was triggered but no run started: ${why}.\n`);
            return 3;
          }
          process.stderr.write(`started ${started} (schedule ${id})\n`);
          if (!opts.wait) {
            process.stdout.write(`${started}\n`);
            return 0;
          }
          return followRun(server.client, started);
        });
      }),
    );

  addServerOptions(schedule.command('pause'))
    .description('Pause automatic runs of a schedule (manual triggers still work).')
    .argument('<name>')
    .option('--note <text>', 'why', 'paused with meltano-temporal')
    .action(
      action((name: string, opts: { note: string }, cmd: Command) =>
        withServer(cmd, async (server) => {
          const { handle, id } = await handleFor(server, name);
          await handle.pause(opts.note);
          process.stdout.write(`Paused schedule '${name}' (${id})\n`);
        }),
      ),
    );

  addServerOptions(schedule.command('unpause'))
    .description('Resume automatic runs of a schedule.')
    .argument('<name>')
    .option('--note <text>', 'why', 'unpaused with meltano-temporal')
    .action(
      action((name: string, opts: { note: string }, cmd: Command) =>
        withServer(cmd, async (server) => {
          const { handle, id } = await handleFor(server, name);
          await handle.unpause(opts.note);
          process.stdout.write(`Unpaused schedule '${name}' (${id})\n`);
        }),
      ),
    );

  addServerOptions(schedule.command('backfill'))
    .description(
      'Run the schedule for every time its spec matches between --start and --end (one after the other by default).',
    )
    .argument('<name>')
    .requiredOption('--start <time>', 'ISO 8601 start, e.g. 2026-11-01T00:00:00Z')
    .requiredOption('--end <time>', 'ISO 8601 end')
    .addOption(
      new Option('--overlap <policy>', 'overlap policy for the backfilled runs')
        .choices(['buffer_all', 'allow_all', 'skip', 'buffer_one', 'cancel_other', 'terminate_other'])
        .default('buffer_all'),
    )
    .action(
      action((name: string, opts: { start: string; end: string; overlap: string }, cmd: Command) =>
        withServer(cmd, async (server) => {
          const start = parseTime(opts.start, '--start');
          const end = parseTime(opts.end, '--end');
          if (end <= start) throw new UserError('--end must be after --start.', 2);
          const { handle, id } = await handleFor(server, name);
          await handle.backfill([{ start, end, overlap: opts.overlap.toUpperCase() as 'BUFFER_ALL' }]);
          process.stdout.write(
            `Backfill of '${name}' (${id}) requested from ${start.toISOString()} to ${end.toISOString()}; follow it with: meltano-temporal runs ${name}\n`,
          );
        }),
      ),
    );

  addServerOptions(schedule.command('describe'))
    .description('Show a schedule: its spec, next run times, recent runs, paused state and drift from meltano.yml.')
    .argument('<name>')
    .option('--format <format>', 'text or json', 'text')
    .action(
      action((name: string, opts: { format: string }, cmd: Command) =>
        withServer(cmd, async (server) => {
          checkFormat(opts.format, ['text', 'json']);
          const { id, description } = await handleFor(server, name);
          const { scheduleDrift } = await import('../temporal/sync.js');
          const desired = desiredSchedule(server.ctx, knownSchedule(server.project, name));
          const driftList = scheduleDrift(description, desired);
          const out = {
            name,
            scheduleId: id,
            interval: desired.summary.interval,
            cron: desired.cron,
            job: desired.job,
            paused: description.state.paused,
            note: description.state.note ?? null,
            overlap: description.policies.overlap,
            catchupWindowMs: description.policies.catchupWindow,
            nextRuns: description.info.nextActionTimes.map((t) => t.toISOString()),
            recentRuns: description.info.recentActions.map((a) => ({
              scheduledAt: a.scheduledAt.toISOString(),
              takenAt: a.takenAt.toISOString(),
              workflowId: a.action.workflow.workflowId,
            })),
            running: description.info.runningActions.map((a) => a.workflow.workflowId),
            drift: driftList,
          };
          if (opts.format === 'json') {
            process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
            return;
          }
          const lines = [
            `schedule   ${name}  (${id})`,
            `interval   ${out.interval}  -> ${out.cron ?? 'manual runs only'}`,
            `job        ${out.job}`,
            `paused     ${out.paused ? `yes (${out.note})` : 'no'}`,
            `overlap    ${out.overlap}`,
            `next runs  ${out.nextRuns.slice(0, 5).join(', ') || '(none: manual only or paused)'}`,
            `running    ${out.running.join(', ') || '(none)'}`,
            `recent     ${out.recentRuns.length ? '' : '(none)'}`,
            ...out.recentRuns.slice(-5).map((r) => `  ${r.takenAt}  ${r.workflowId}`),
            `drift      ${driftList.length ? '' : 'none: in step with meltano.yml'}`,
            ...driftList.map((d) => `  ${d}`),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }),
      ),
    );
}

/** After `schedule add|set|remove`: bring that schedule in Temporal in step, when a server is configured. */
export async function syncAfterEdit(project: Project, name: string, cmd: Command): Promise<void> {
  const flags = cmd.optsWithGlobals<{ temporal?: boolean }>();
  if (flags.temporal === false || !process.env.TEMPORAL_ADDRESS) return;
  const server = await serverContext(cmd, project);
  try {
    const { syncSchedules, formatSyncItem } = await import('../temporal/sync.js');
    const exists = project.schedules.some((s) => s.name === name);
    if (exists) {
      const report = await syncSchedules(server.client, project, server.ctx, { only: [name] });
      for (const item of report.items) process.stderr.write(`temporal: ${formatSyncItem(item)}\n`);
      if (!report.ok) process.exitCode = 1;
    } else {
      const id = scheduleId(server.ctx.projectKey, server.ctx.environment, name);
      try {
        await server.client.schedule.getHandle(id).delete();
        process.stderr.write(`temporal: - delete ${name} (${id})\n`);
      } catch {
        process.stderr.write(`temporal: ${id} was not in Temporal\n`);
      }
    }
  } finally {
    await server.close();
  }
}
