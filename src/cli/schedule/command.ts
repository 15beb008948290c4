/** `meltano-temporal schedule ...`: Meltano's schedule commands, plus the Temporal ones. */
import { Command, Option } from 'commander';
import type { Outcome, ScheduleOptions } from '../../project/operations.js';
import type { Project } from '../../project/model.js';
import { action, applyEdit, lazyAction, projectOptions } from '../program/action.js';

/**
 * Hooks for edits that should also reach Temporal (set by the sync module):
 * `before` runs once the edit is planned and valid, before any file is
 * touched, and refuses it by throwing; `after` brings the edited schedule to
 * Temporal.
 */
export interface TemporalEditHooks {
  before(cmd: Command, edited: Project, scheduleName: string): Promise<void>;
  after(project: Project, scheduleName: string, cmd: Command): Promise<void>;
}

function beforeWrite(cmd: Command, temporal: TemporalEditHooks | undefined, name: string) {
  return temporal ? { beforeWrite: (edited: Project) => temporal.before(cmd, edited, name) } : {};
}

/** After a written edit: the hook brings the schedule to Temporal, with the project as the edit left it. */
async function afterEdit(cmd: Command, temporal: TemporalEditHooks | undefined, name: string): Promise<void> {
  if (!temporal) return;
  const { loadProject } = await import('../../project/load.js');
  await temporal.after(loadProject(projectOptions(cmd)), name, cmd);
}

function scheduleFlags(cmd: Command, withTransformDefault: boolean): Command {
  const transform = new Option('--transform <mode>', 'ELT only: run, skip or only').choices(['run', 'skip', 'only']);
  return cmd
    .option('--job <job>', 'the job to run')
    .option('--extractor <extractor>', 'ELT only: the extractor')
    .option('--loader <loader>', 'ELT only: the loader')
    .addOption(withTransformDefault ? transform.default('skip') : transform);
}

const INTERVAL_HELP =
  "@hourly, @daily, @weekly, @monthly, @yearly, @annually, @midnight, @once/@manual/@none (manual runs only) or 5-field cron such as '0 */6 * * *'";

function report(outcome: Outcome): void {
  if (outcome.warning) process.stderr.write(`${outcome.warning}\n`);
  if (outcome.message) process.stdout.write(`${outcome.message}\n`);
}

export function scheduleCommand(extra: (schedule: Command) => void = () => {}, temporal?: TemporalEditHooks): Command {
  const schedule = new Command('schedule')
    .description('Manage schedules in meltano.yml (and, when TEMPORAL_ADDRESS is set, in Temporal).')
    .option('--no-temporal', 'add/set/remove: only edit meltano.yml, leave Temporal alone');

  schedule
    .command('list')
    .description(
      'List schedules like `meltano schedule list`; a schedule whose job is missing is reported on stderr and left out, the rest still listed.',
    )
    .addOption(new Option('--format <format>', 'text or json').default('text'))
    .action(lazyAction(async () => (await import('./list.js')).listSchedules));

  scheduleFlags(
    schedule
      .command('add')
      .description(
        'Add a schedule: --job JOB, or --extractor TAP --loader TARGET [--transform] for a legacy elt schedule.',
      )
      .argument('<name>')
      .option('--interval <interval>', INTERVAL_HELP),
    true,
  ).action(
    action(async (name: string, opts: ScheduleOptions, cmd: Command) => {
      const outcome = await applyEdit(
        cmd,
        (ops, p) => ops.planScheduleAdd(p, name, opts),
        beforeWrite(cmd, temporal, name),
      );
      report(outcome);
      if (!outcome.warning) await afterEdit(cmd, temporal, name);
    }),
  );

  scheduleFlags(
    schedule
      .command('set')
      .description('Change a schedule.')
      .argument('<name>')
      .option('--interval <interval>', INTERVAL_HELP),
    false,
  ).action(
    action(async (name: string, opts: ScheduleOptions, cmd: Command) => {
      const outcome = await applyEdit(
        cmd,
        (ops, p) => ops.planScheduleSet(p, name, opts),
        beforeWrite(cmd, temporal, name),
      );
      report(outcome);
      await afterEdit(cmd, temporal, name);
    }),
  );

  schedule
    .command('remove')
    .description('Remove a schedule.')
    .argument('<name>')
    .action(
      action(async (name: string, _opts: unknown, cmd: Command) => {
        const outcome = await applyEdit(
          cmd,
          (ops, p) => ops.planScheduleRemove(p, name),
          beforeWrite(cmd, temporal, name),
        );
        report(outcome);
        await afterEdit(cmd, temporal, name);
      }),
    );

  extra(schedule);
  return schedule;
}
