/** What `workflows list` and `workflows check` do when they run (their flags are in command.ts). */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { loadProject } from '../../project/load.js';
import { discoverWorkflows, workflowNames } from '../../project/custom-workflows.js';
import { checkFormat, projectOptions } from '../program/action.js';
import { withServer } from '../program/server-context.js';

/** The schedules whose annotations.temporal.workflow names each workflow. */
function schedulesByWorkflow(schedules: ReadonlyArray<{ name: string; annotations?: Record<string, unknown> }>) {
  const map = new Map<string, string[]>();
  for (const s of schedules) {
    const name = (s.annotations?.temporal as { workflow?: unknown } | undefined)?.workflow;
    if (typeof name === 'string') map.set(name, [...(map.get(name) ?? []), s.name]);
  }
  return map;
}

export async function listCustomWorkflows(
  opts: { workflowsDir?: string; compile?: boolean; format: string },
  cmd: Command,
): Promise<number> {
  checkFormat(opts.format, ['text', 'json']);
  const project = loadProject(projectOptions(cmd));
  const custom = discoverWorkflows(project, opts.workflowsDir);
  const used = schedulesByWorkflow(project.schedules);
  let problems: Array<{ file: string; line?: number; message: string }> | undefined;
  if (opts.compile && custom.files.length) {
    const { bundleCustomWorkflows } = await import('../../temporal/custom-bundle.js');
    problems = (await bundleCustomWorkflows(project.root, custom)).problems ?? [];
  }
  const workflows = custom.files.flatMap((f) =>
    f.workflows.map((w) => ({ name: w.name, file: f.relPath, line: w.line, schedules: used.get(w.name) ?? [] })),
  );
  if (opts.format === 'json') {
    const out = { folder: custom.relDir, source: custom.source, workflows, ...(problems ? { problems } : {}) };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const where =
      custom.source === 'default' ? 'the default folder' : custom.source === 'flag' ? '--workflows-dir' : 'meltano.yml';
    process.stdout.write(
      `${custom.relDir}/ (${where}): ${workflows.length} workflow${workflows.length === 1 ? '' : 's'}\n`,
    );
    const width = Math.max(0, ...workflows.map((w) => w.name.length));
    for (const w of workflows) {
      const by = w.schedules.length ? `schedules: ${w.schedules.join(', ')}` : 'no schedule';
      process.stdout.write(`  ${w.name.padEnd(width)}  ${w.file}:${w.line}  ${by}\n`);
    }
    for (const p of problems ?? [])
      process.stdout.write(`  problem: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
  }
  return problems?.length ? 1 : 0;
}

export async function checkCustomWorkflows(
  opts: { workflowsDir?: string; limit: string; format: string },
  cmd: Command,
): Promise<number> {
  checkFormat(opts.format, ['text', 'json']);
  const perType = Number(opts.limit);
  if (!Number.isInteger(perType) || perType < 1)
    throw new UsageError(`--limit must be a whole number of at least 1, not '${opts.limit}'`);
  const project = loadProject(projectOptions(cmd));
  const custom = discoverWorkflows(project, opts.workflowsDir);
  if (!workflowNames(custom).length) {
    process.stderr.write(`no custom workflows in ${custom.relDir}/: nothing to check\n`);
    return 0;
  }
  const { checkWorkflows } = await import('../../temporal/workflow-check.js');
  const text = opts.format === 'text';
  const report = await withServer(
    cmd,
    ({ schedules }) =>
      checkWorkflows(schedules.client, project.root, custom, {
        taskQueue: schedules.scope.taskQueue,
        perType,
        onRun: (r) => {
          if (text)
            process.stdout.write(
              `${r.error ? 'BREAKS' : 'ok    '}  ${r.workflowType}  ${r.workflowId} (${r.status.toLowerCase()})${r.error ? `: ${r.error}` : ''}\n`,
            );
        },
      }),
    project,
  );
  const broken = report.runs.filter((r) => r.error);
  if (!text) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (report.problems)
    for (const p of report.problems)
      process.stdout.write(`problem: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
  else
    process.stderr.write(
      report.runs.length
        ? `${report.runs.length} run${report.runs.length === 1 ? '' : 's'} replayed, ${broken.length} would break${broken.length ? ': guard the change with patched() (docs/custom-workflows.md)' : ''}\n`
        : 'no runs of these workflows on this task queue yet: nothing to replay\n',
    );
  return report.problems?.length || broken.length ? 1 : 0;
}
