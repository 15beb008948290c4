/** `meltano-temporal job list [NAME]`: the jobs as `meltano job list` prints them. */
import type { Command } from 'commander';
import { loadProject } from '../../project/load.js';
import { jobJson, jobTextLine } from '../../project/listing.js';
import { pythonJson } from '../../project/python-format.js';
import { checkFormat, projectOptions } from '../program/action.js';

export function listJobs(name: string | undefined, opts: { format: string }, cmd: Command): number {
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
}
