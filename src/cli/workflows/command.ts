/**
 * `meltano-temporal workflows list|check`: the project's custom workflows (the files of
 * orchestrate/workflows/) and whether recent runs replay on their current code.
 * What they do is in actions.ts.
 */
import { Command } from 'commander';
import { lazyAction } from '../program/action.js';
import { addServerOptions } from '../program/server-options.js';

const actions = () => import('./actions.js');
const dirHelp =
  'folder of custom workflow files, relative to the project (default: meltano.yml annotations.temporal.workflows_dir, else orchestrate/workflows)';

export function workflowsCommand(): Command {
  const workflows = new Command('workflows').description(
    'Custom workflows: TypeScript or JavaScript workflow files in the project (orchestrate/workflows/) that schedules start with annotations.temporal.workflow.',
  );
  workflows
    .command('list')
    .description(
      'List the workflows each file exports and the schedules that start them; --compile also bundles them as a worker does and reports problems with file and line (exit 1).',
    )
    .option('--workflows-dir <path>', dirHelp)
    .option('--compile', 'bundle the files as a worker does and report what fails')
    .option('--format <format>', 'text or json', 'text')
    .action(lazyAction(async () => (await actions()).listCustomWorkflows));
  addServerOptions(workflows.command('check'))
    .description(
      'Replay the recent runs of each custom workflow (from the server) against the current files and name every run the change would break (exit 1); run it before deploying a change.',
    )
    .option('--workflows-dir <path>', dirHelp)
    .option('--limit <n>', 'recent runs per workflow', '20')
    .option('--format <format>', 'text or json', 'text')
    .action(lazyAction(async () => (await actions()).checkCustomWorkflows));
  return workflows;
}
