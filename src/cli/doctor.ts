/**
 * `meltano-temporal doctor`: one line per check, with the fix when it fails.
 * Local checks first (meltano, the project), then the server (reachable,
 * namespace, search attributes, pollers, shared system database).
 */
import { Command } from 'commander';
import { execa } from 'execa';
import { UserError } from '../project/errors.js';
import { loadProject } from '../project/load.js';
import type { Project } from '../project/model.js';
import { findMeltano } from '../meltano/executable.js';
import { action, checkFormat, projectOptions } from './context.js';
import { addServerOptions, serverContext, type ServerContext } from './server-context.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  warning?: boolean;
}

export function usesLocalSystemDb(env: NodeJS.ProcessEnv = process.env): boolean {
  const uri = env.MELTANO_DATABASE_URI;
  return !uri || uri.startsWith('sqlite');
}

/** Distinct worker identities polling the task queue for activities. */
export async function activityPollers(server: ServerContext, taskQueue: string): Promise<string[]> {
  const { temporal } = (await import('@temporalio/proto')).default;
  const r = await server.client.connection.workflowService.describeTaskQueue({
    namespace: server.client.options.namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  return [...new Set((r.pollers ?? []).map((p) => p.identity ?? '?'))];
}

async function localChecks(cmd: Command, checks: Check[]): Promise<Project | undefined> {
  let project: Project | undefined;
  try {
    project = loadProject(projectOptions(cmd));
    checks.push({
      name: 'project',
      ok: true,
      detail: `${project.root}: ${project.jobs.length} jobs, ${project.schedules.length} schedules`,
    });
  } catch (err) {
    checks.push({
      name: 'project',
      ok: false,
      detail: err instanceof UserError ? err.message : String(err),
      fix: err instanceof UserError ? (err.hint ?? 'correct meltano.yml') : 'correct meltano.yml',
    });
    return undefined;
  }
  const meltano = findMeltano(project.root);
  if (!meltano) {
    checks.push({
      name: 'meltano',
      ok: false,
      detail: 'not found (MELTANO_BIN, .meltano/run/bin, PATH)',
      fix: 'pip install meltano==4.4.1, or set MELTANO_BIN',
    });
  } else {
    const r = await execa(meltano, ['--version'], { reject: false, timeout: 60_000 });
    checks.push(
      r.exitCode === 0
        ? { name: 'meltano', ok: true, detail: `${meltano}: ${r.stdout.trim()}` }
        : {
            name: 'meltano',
            ok: false,
            detail: `${meltano} --version failed: ${r.stderr.trim().split('\n').pop() ?? ''}`,
            fix: 'reinstall meltano in that environment',
          },
    );
  }
  const { desiredSchedule } = await import('../temporal/schedule-mapping.js');
  const bad: string[] = project.problems.map((p) => `${p.file}: ${p.message}`);
  for (const s of project.schedules) {
    try {
      desiredSchedule({ project, projectKey: 'doctor', environment: undefined }, s);
    } catch (err) {
      bad.push(err instanceof UserError ? err.message : String(err));
    }
  }
  checks.push(
    bad.length
      ? {
          name: 'schedules',
          ok: false,
          detail: bad.join('; '),
          fix: 'fix the entries named (meltano-temporal schedule set / job add)',
        }
      : { name: 'schedules', ok: true, detail: `all ${project.schedules.length} have their job and valid settings` },
  );
  return project;
}

export function doctorCommand(): Command {
  return addServerOptions(new Command('doctor'))
    .description(
      'Check meltano, the project, the Temporal server, the namespace, search attributes, pollers and the shared system database; one line per check, with the fix.',
    )
    .option('--format <format>', 'text or json', 'text')
    .action(
      action(async (opts: { format: string }, cmd: Command) => {
        checkFormat(opts.format, ['text', 'json']);
        const checks: Check[] = [];
        const project = await localChecks(cmd, checks);
        let server: ServerContext | undefined;
        if (project) {
          try {
            server = await serverContext(cmd, project);
            await server.client.connection.workflowService.getSystemInfo({});
            checks.push({
              name: 'server',
              ok: true,
              detail: `reachable at ${cmd.optsWithGlobals<{ address?: string }>().address ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233'}`,
            });
          } catch (err) {
            checks.push({
              name: 'server',
              ok: false,
              detail: err instanceof UserError ? err.message : (err as Error).message,
              fix: 'start one (meltano-temporal up) or set TEMPORAL_ADDRESS, and the TLS/API key settings for a secured cluster',
            });
          }
        }
        if (server) {
          const namespace = server.client.options.namespace;
          try {
            await server.client.connection.workflowService.describeNamespace({ namespace });
            checks.push({ name: 'namespace', ok: true, detail: namespace });
            const { SEARCH_ATTRIBUTE_NAMES } = await import('../temporal/schedule-mapping.js');
            const attrs = await server.client.connection.operatorService.listSearchAttributes({ namespace });
            const missing = SEARCH_ATTRIBUTE_NAMES.filter((n) => !(n in (attrs.customAttributes ?? {})));
            checks.push(
              missing.length
                ? {
                    name: 'search attributes',
                    ok: false,
                    detail: `missing ${missing.join(', ')}`,
                    fix: 'run meltano-temporal sync (registers them), or temporal operator search-attribute create --name NAME --type Keyword',
                  }
                : { name: 'search attributes', ok: true, detail: SEARCH_ATTRIBUTE_NAMES.join(', ') },
            );
            const queue = server.ctx.taskQueue ?? 'meltano';
            const pollers = await activityPollers(server, queue);
            checks.push(
              pollers.length
                ? {
                    name: 'workers',
                    ok: true,
                    detail: `${pollers.length} polling task queue '${queue}': ${pollers.join(', ')}`,
                  }
                : {
                    name: 'workers',
                    ok: false,
                    detail: `nobody polls task queue '${queue}': runs will wait`,
                    fix: 'start one: meltano-temporal worker',
                  },
            );
            if (pollers.length > 1 && usesLocalSystemDb()) {
              checks.push({
                name: 'system database',
                ok: false,
                detail: `${pollers.length} workers poll '${queue}' but MELTANO_DATABASE_URI is ${process.env.MELTANO_DATABASE_URI ? 'SQLite' : 'unset (SQLite in .meltano/meltano.db)'}: state and the run lock are not shared`,
                fix: 'point MELTANO_DATABASE_URI at one PostgreSQL database for every worker',
              });
            } else {
              checks.push({
                name: 'system database',
                ok: true,
                detail: usesLocalSystemDb() ? 'local SQLite (fine for one worker)' : 'shared (MELTANO_DATABASE_URI)',
              });
            }
          } catch (err) {
            checks.push({
              name: 'namespace',
              ok: false,
              detail: `${namespace}: ${(err as Error).message}`,
              fix: `create it (temporal operator namespace create --namespace ${namespace}) or set TEMPORAL_NAMESPACE`,
            });
          } finally {
            await server.close();
          }
        }
        const ok = checks.every((c) => c.ok);
        if (opts.format === 'json') {
          process.stdout.write(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
        } else {
          for (const c of checks) {
            process.stdout.write(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}\n`);
            if (!c.ok && c.fix) process.stdout.write(`    fix: ${c.fix}\n`);
          }
        }
        return ok ? 0 : 1;
      }),
    );
}
