/** `meltano-temporal job list|add|set|remove`: Meltano's job commands. */
import { Command } from 'commander';
import { loadProject } from '../project/load.js';
import { jobJson, jobTextLine, pythonJson } from '../project/listing.js';
import { action, applyEdit, checkFormat, projectOptions } from './context.js';

export function jobCommand(): Command {
  const job = new Command('job').description('Manage jobs (named, ordered lists of tasks) in meltano.yml.');

  job
    .command('list')
    .description('List jobs, or one job.')
    .argument('[job_name]', 'list only this job')
    .option('--format <format>', 'text or json', 'text')
    .action(
      action((name: string | undefined, opts: { format: string }, cmd: Command) => {
        checkFormat(opts.format, ['text', 'json']);
        const project = loadProject(projectOptions(cmd));
        if (name) {
          const found = project.jobs.find((j) => j.name === name);
          if (!found) {
            process.stdout.write(`Job '${name}' does not exist.\n`);
            return 0;
          }
          process.stdout.write(`${opts.format === 'json' ? pythonJson(jobJson(found)) : jobTextLine(found)}\n`);
          return 0;
        }
        if (opts.format === 'json') process.stdout.write(`${pythonJson({ jobs: project.jobs.map(jobJson) })}\n`);
        else for (const j of project.jobs) process.stdout.write(`${jobTextLine(j)}\n`);
        for (const p of project.problems.filter((x) => x.kind === 'job'))
          process.stderr.write(`Warning: ${p.file}: ${p.message}\n`);
        return 0;
      }),
    );

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
