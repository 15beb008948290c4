/** What `schedule pause|unpause` does when it runs: one schedule by name, or many by selection (flags in temporal-commands.ts). */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import {
  pauseMany,
  selectSchedules,
  type PauseOutcome,
  type PauseSelection,
  type PauseVerb,
} from '../../temporal/bulk-pause.js';
import { checkFormat } from '../program/action.js';
import { withServer } from '../program/server-context.js';
import { serverFlags } from '../program/server-options.js';

interface PauseFlags {
  all?: boolean;
  job?: string;
  note: string;
  format: string;
}

/** The selection the flags make, or undefined for one schedule by name. */
function selectionOf(
  name: string | undefined,
  opts: PauseFlags,
  environment: string | undefined,
): PauseSelection | undefined {
  const chosen = [name !== undefined && 'a name', opts.all && '--all', opts.job !== undefined && '--job'].filter(
    Boolean,
  );
  if (chosen.length > 1) {
    throw new UsageError(`Give one of a schedule name, --all or --job, not ${chosen.join(' and ')}.`, {
      hint: 'schedule pause NAME, schedule pause --all, schedule pause --job JOB or schedule pause --environment ENV',
    });
  }
  if (name !== undefined) return undefined;
  if (opts.job !== undefined) return { job: opts.job };
  if (opts.all || environment !== undefined) return { all: true };
  throw new UsageError('Name a schedule, or select many with --all, --job JOB or --environment ENV.', {
    hint: 'e.g. meltano-temporal schedule pause --all --note "warehouse maintenance"',
  });
}

const COUNTED: Record<PauseVerb, string> = { pause: 'Paused', unpause: 'Unpaused' };

function summaryLine(verb: PauseVerb, outcomes: PauseOutcome[], environment: string | undefined): string {
  const count = (r: PauseOutcome['result']) => outcomes.filter((o) => o.result === r).length;
  const changed = count(verb === 'pause' ? 'paused' : 'unpaused');
  const unchanged = count(verb === 'pause' ? 'already paused' : 'not paused');
  const parts = [
    `${COUNTED[verb]} ${changed} of ${outcomes.length} schedule(s)${environment ? ` in environment '${environment}'` : ''}`,
    ...(unchanged ? [`${unchanged} ${verb === 'pause' ? 'already paused' : 'not paused'}`] : []),
    ...(count('not synced') ? [`${count('not synced')} not in Temporal (run sync)`] : []),
    ...(count('failed') ? [`${count('failed')} failed`] : []),
  ];
  return `${parts.join('; ')}.`;
}

/** `schedule pause|unpause [NAME] [--all | --job J | --environment E] [--note TEXT] [--format json]`. */
export function pauseOrUnpause(verb: PauseVerb) {
  return (name: string | undefined, opts: PauseFlags, cmd: Command): Promise<number> => {
    checkFormat(opts.format, ['text', 'json']);
    const selection = selectionOf(name, opts, serverFlags(cmd).environment);
    return withServer(cmd, async ({ schedules, project }) => {
      if (!selection) {
        const id = await schedules[verb](name as string, opts.note);
        process.stdout.write(`${COUNTED[verb]} schedule '${name as string}' (${id})\n`);
        return 0;
      }
      const names = selectSchedules(project, selection);
      const environment = schedules.scope.environment;
      const outcomes = await pauseMany(schedules, names, verb, opts.note, (o, done, total) => {
        process.stderr.write(`[${done}/${total}] ${o.name}: ${o.result}${o.error ? `: ${o.error}` : ''}\n`);
      });
      const failed = outcomes.some((o) => o.result === 'failed');
      if (opts.format === 'json') {
        const summary = {
          action: verb,
          note: opts.note,
          selection,
          environment: environment ?? null,
          schedules: outcomes,
        };
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        process.stdout.write(`${summaryLine(verb, outcomes, environment)}\n`);
      }
      return failed ? 1 : 0;
    });
  };
}
