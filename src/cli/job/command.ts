/** `meltano-temporal job list|add|set|remove`: Meltano's job commands. */
import { Command } from 'commander';
import { action, applyEdit, lazyAction } from '../program/action.js';

export function jobCommand(): Command {
  const job = new Command('job').description('Manage jobs (named, ordered lists of tasks) in meltano.yml.');

  job
    .command('list')
    .description('List jobs, or one job.')
    .argument('[job_name]', 'list only this job')
    .option('--format <format>', 'text or json', 'text')
    .action(lazyAction(async () => (await import('./list.js')).listJobs));

  const tasksHelp = `YAML: 'tap target' (one task), '["tap target", "dbt:run"]' (two tasks, run one after the other)`;
  job
    .command('add')
    .description('Add a job. Every block must name a plugin, mapping or job of the project.')
    .argument('<job_name>')
    .requiredOption('--tasks <yaml>', tasksHelp)
    .action(
      action(async (name: string, opts: { tasks: string }, cmd: Command) => {
        const outcome = await applyEdit(cmd, (ops, p) => ops.planJobAdd(p, name, opts.tasks));
        process.stdout.write(`${outcome.message}\n`);
      }),
    );

  job
    .command('set')
    .description("Replace a job's tasks.")
    .argument('<job_name>')
    .requiredOption('--tasks <yaml>', tasksHelp)
    .action(
      action(async (name: string, opts: { tasks: string }, cmd: Command) => {
        const outcome = await applyEdit(cmd, (ops, p) => ops.planJobSet(p, name, opts.tasks));
        process.stdout.write(`${outcome.message}\n`);
      }),
    );

  job
    .command('remove')
    .description('Remove a job. Refused while a schedule still uses it.')
    .argument('<job_name>')
    .action(
      action(async (name: string, _opts: unknown, cmd: Command) => {
        const outcome = await applyEdit(cmd, (ops, p) => ops.planJobRemove(p, name));
        process.stdout.write(`${outcome.message}\n`);
      }),
    );
  return job;
}
