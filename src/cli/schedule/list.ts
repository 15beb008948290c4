/** `meltano-temporal schedule list`: the schedules as `meltano schedule list` prints them. */
import type { Command } from 'commander';
import { loadProject } from '../../project/load.js';
import { missingJobMessage, scheduleListJson, scheduleTextLine } from '../../project/listing.js';
import { pythonJson } from '../../project/python-format.js';
import { checkFormat, projectOptions } from '../program/action.js';

export function listSchedules(opts: { format: string }, cmd: Command): number {
  checkFormat(opts.format, ['text', 'json']);
  const project = loadProject(projectOptions(cmd));
  const { json, missing } = scheduleListJson(project);
  if (opts.format === 'json') {
    process.stdout.write(`${pythonJson(json)}\n`);
  } else {
    const jobs = new Map(project.jobs.map((j) => [j.name, j]));
    const missingNames = new Set(missing.map((m) => m.schedule.name));
    for (const s of project.schedules) {
      if (missingNames.has(s.name)) continue;
      process.stdout.write(`${scheduleTextLine(s, s.kind === 'job' ? jobs.get(s.job) : undefined)}\n`);
    }
  }
  for (const m of missing) process.stderr.write(`Error: ${missingJobMessage(m)}\n`);
  for (const p of project.problems.filter((x) => x.kind === 'schedule'))
    process.stderr.write(`Error: ${p.file}: ${p.message}\n`);
  return missing.length || project.problems.some((p) => p.kind === 'schedule') ? 1 : 0;
}
