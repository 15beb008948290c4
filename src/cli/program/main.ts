#!/usr/bin/env node
/**
 * meltano-temporal: run Meltano's scheduled jobs on Temporal. This builds the
 * command table (every command's name, options and help); what a command does
 * is loaded only when it runs, so `--help`, `--version` and `schedule list`
 * start without the Temporal client, the worker or execa.
 */
import { Command } from 'commander';
import { jobCommand } from '../job/command.js';
import { scheduleCommand } from '../schedule/command.js';
import { workerCommand } from '../worker/command.js';
import { syncCommand } from '../sync/command.js';
import { runsCommand } from '../runs/command.js';
import { upCommand } from '../up/command.js';
import { doctorCommand } from '../doctor/command.js';
import { notifyCommand } from '../notify/command.js';
import { codecServerCommand } from '../codec-server/command.js';
import { workflowsCommand } from '../workflows/command.js';
import { addTemporalScheduleCommands, temporalEditHooks } from '../schedule/temporal-commands.js';
import { addOutputAlias, enterCwd, packageVersion } from './conventions.js';
import { printError } from './error-report.js';

/**
 * commander's own usage errors (unknown option, missing argument) exit 2 like click, help and
 * version 0. Settings made on the program are not inherited by commands added with addCommand,
 * so every command gets them.
 */
function exitLikeClick(cmd: Command): void {
  cmd.showHelpAfterError().exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });
  for (const sub of cmd.commands) exitLikeClick(sub);
}

function buildProgram(): Command {
  const program = new Command('meltano-temporal')
    .description("Run Meltano's scheduled ELT jobs on Temporal instead of Airflow.")
    .option(
      '--project <dir>',
      'Meltano project root (default: MELTANO_PROJECT_ROOT, else the current directory or its nearest parent with meltano.yml)',
    )
    .option('--cwd <dir>', 'run as if started in this directory (as meltano --cwd): the project is found from there')
    .option(
      '--environment <name>',
      'Meltano environment the schedules run in, for every command (default: MELTANO_ENVIRONMENT from the environment or .env, else default_environment)',
    )
    .option('--verbose', 'show the errors beneath an error, and the stack trace of an unexpected one (also: DEBUG=1)')
    .version(`meltano-temporal, version ${packageVersion()}`, '--version', 'show the version and exit')
    .hook('preAction', (thisCommand) => {
      const { cwd } = thisCommand.opts<{ cwd?: string }>();
      if (cwd === undefined) return;
      try {
        enterCwd(cwd);
      } catch (err) {
        process.exit(printError(err));
      }
    });
  program.addCommand(jobCommand());
  program.addCommand(scheduleCommand(addTemporalScheduleCommands, temporalEditHooks));
  program.addCommand(workerCommand());
  program.addCommand(syncCommand());
  program.addCommand(runsCommand());
  program.addCommand(upCommand());
  program.addCommand(doctorCommand());
  program.addCommand(notifyCommand());
  program.addCommand(codecServerCommand());
  program.addCommand(workflowsCommand());
  addOutputAlias(program);
  exitLikeClick(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
