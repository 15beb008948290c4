/** `meltano-temporal runs [SCHEDULE]`: recent runs from Temporal visibility. */
import { Command } from 'commander';
import { UserError } from '../project/errors.js';
import { action, checkFormat } from './context.js';
import { addServerOptions, serverContext } from './server-context.js';

export interface RunRow {
  workflowId: string;
  runId: string;
  schedule: string | null;
  status: string;
  startTime: string;
  closeTime: string | null;
  durationMs: number | null;
  failedTask: string | null;
}

export function runsCommand(): Command {
  return addServerOptions(new Command('runs'))
    .description(
      'List recent runs (all schedules of the project, or one) with status, start, duration and the failed task.',
    )
    .argument('[schedule]')
    .option('--limit <n>', 'how many runs', '20')
    .option('--format <format>', 'text or json', 'text')
    .action(
      action(async (name: string | undefined, opts: { limit: string; format: string }, cmd: Command) => {
        checkFormat(opts.format, ['text', 'json']);
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new UserError(`--limit must be a whole number of at least 1, not '${opts.limit}'`, 2);
        const server = await serverContext(cmd);
        try {
          const esc = (v: string): string => v.replace(/\\/gu, '\\\\').replace(/"/gu, '\\"');
          let query = `MeltanoProject="${esc(server.ctx.projectKey)}" AND MeltanoEnvironment="${esc(server.ctx.environment ?? 'default')}"`;
          if (name) query += ` AND MeltanoSchedule="${esc(name)}"`;
          const rows: RunRow[] = [];
          for await (const wf of server.client.workflow.list({ query, pageSize: limit })) {
            let failedTask: string | null = null;
            if (wf.status.name === 'FAILED') {
              try {
                await server.client.workflow.getHandle(wf.workflowId, wf.runId).result();
              } catch (err) {
                const message = ((err as { cause?: Error }).cause?.message ?? '').split('\n')[0] ?? '';
                failedTask = /'([^']+)' of job/u.exec(message)?.[1] ?? (message || null);
              }
            }
            const attrs = wf.typedSearchAttributes;
            const schedule = attrs.getAll().find((p) => p.key.name === 'MeltanoSchedule')?.value;
            rows.push({
              workflowId: wf.workflowId,
              runId: wf.runId,
              schedule: typeof schedule === 'string' ? schedule : null,
              status: wf.status.name,
              startTime: wf.startTime.toISOString(),
              closeTime: wf.closeTime?.toISOString() ?? null,
              durationMs: wf.closeTime ? wf.closeTime.getTime() - wf.startTime.getTime() : null,
              failedTask,
            });
            if (rows.length >= limit) break;
          }
          if (opts.format === 'json') {
            process.stdout.write(`${JSON.stringify({ runs: rows }, null, 2)}\n`);
            return 0;
          }
          if (!rows.length) process.stderr.write('no runs yet (visibility can lag a few seconds behind)\n');
          for (const r of rows) {
            const duration = r.durationMs === null ? 'running' : `${(r.durationMs / 1000).toFixed(1)}s`;
            process.stdout.write(
              `${r.status.padEnd(10)} ${r.startTime}  ${duration.padStart(8)}  ${r.schedule ?? '-'}  ${r.workflowId}${r.failedTask ? `  failed task: ${r.failedTask}` : ''}\n`,
            );
          }
          return 0;
        } finally {
          await server.close();
        }
      }),
    );
}
