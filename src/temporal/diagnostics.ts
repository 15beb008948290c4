/**
 * `doctor`'s checks, as data: local ones first (the project, meltano, the
 * schedules' settings), then the server (reachable, namespace, search
 * attributes, workers on the task queue, a shared system database). Each
 * check says what it found and, when it fails, the fix.
 */
import { webhookProblems } from '../notify/notifier.js';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import type { Project } from '../project/model.js';
import { isLocalDatabaseUri, systemDatabaseUri, type SettingValue } from '../project/settings.js';
import { locateMeltano } from '../meltano/executable.js';
import { connectClient, type ConnectionSettings } from './connection.js';
import { desiredSchedule } from './schedule-mapping.js';
import { notInEnvironment, temporalAnnotations } from './annotations.js';
import { SEARCH_ATTRIBUTE_NAMES } from '../../workflows/contract.js';
import { resolveScope, type ScopeOptions } from './scope.js';
import { activityPollers } from './task-queue.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** Meltano's system database is a local SQLite file: its state and run lock are this host's only. */
function usesLocalSystemDb(databaseUri: SettingValue<string>): boolean {
  return isLocalDatabaseUri(databaseUri.value);
}

const message = (err: unknown): string => (err instanceof UserError ? err.message : (err as Error).message);

async function meltanoCheck(project: Project): Promise<Check> {
  const located = locateMeltano(project.root);
  if (!('found' in located)) return { name: 'meltano', ok: false, detail: located.problem, fix: located.fix };
  const meltano = located.found;
  const r = await execa(meltano, ['--version'], { reject: false, timeout: 60_000 });
  return r.exitCode === 0
    ? { name: 'meltano', ok: true, detail: `${meltano}: ${r.stdout.trim()}` }
    : {
        name: 'meltano',
        ok: false,
        detail: `${meltano} --version failed: ${r.stderr.trim().split('\n').pop() ?? ''}`,
        fix: 'reinstall meltano in that environment',
      };
}

function schedulesCheck(project: Project): Check {
  const bad: string[] = project.problems.map((p) => `${p.file}: ${p.message}`);
  for (const s of project.schedules) {
    try {
      desiredSchedule(
        { project, projectKey: 'doctor', owner: 'doctor', legacyProjectKey: 'doctor', environment: undefined },
        s,
      );
    } catch (err) {
      bad.push(err instanceof UserError ? err.message : String(err));
    }
  }
  return bad.length
    ? {
        name: 'schedules',
        ok: false,
        detail: bad.join('; '),
        fix: 'fix the entries named (meltano-temporal schedule set / job add)',
      }
    : { name: 'schedules', ok: true, detail: `all ${project.schedules.length} have their job and valid settings` };
}

/** The schedules that do not exist in this environment by their `environments` annotation, and why. */
function environmentsCheck(project: Project, environment: string | undefined): Check[] {
  const absent = project.schedules.flatMap((s) => {
    try {
      const reason = notInEnvironment(temporalAnnotations(s), environment);
      return reason ? [`${s.name} (${reason})`] : [];
    } catch {
      return []; // the schedules check reports it
    }
  });
  if (!absent.length) return [];
  return [
    {
      name: 'environments',
      ok: true,
      detail: `${absent.length} schedule(s) not in Temporal for environment ${environment ?? 'default'}, by their annotation: ${absent.join('; ')}`,
    },
  ];
}

/** The other queues this environment's schedules route runs to (annotations.temporal.task_queue), with their schedules. */
function routedQueues(project: Project, environment: string | undefined, own: string): Map<string, string[]> {
  const queues = new Map<string, string[]>();
  for (const s of project.schedules) {
    try {
      const a = temporalAnnotations(s);
      if (!a.taskQueue || a.taskQueue === own || notInEnvironment(a, environment)) continue;
      queues.set(a.taskQueue, [...(queues.get(a.taskQueue) ?? []), s.name]);
    } catch {
      // the schedules check reports it
    }
  }
  return queues;
}

/** Each notify destination resolves from this host's environment (nothing is sent); no line when none is configured. */
function webhooksCheck(project: Project, env: NodeJS.ProcessEnv = process.env): Check[] {
  let result;
  try {
    result = webhookProblems(project, env);
  } catch (err) {
    result = { configured: 1, problems: [err instanceof UserError ? err.message : String(err)] };
  }
  const { configured, problems } = result;
  if (!configured && !problems.length) return [];
  return [
    problems.length
      ? {
          name: 'webhooks',
          ok: false,
          detail: problems.join('; '),
          fix: 'export the variables named on every worker (and here), or correct annotations.temporal.notify',
        }
      : { name: 'webhooks', ok: true, detail: `${configured} schedule(s) notify; every destination resolves` },
  ];
}

/** The project, meltano, the schedules; the project is undefined when it does not load. */
export async function localChecks(load: () => Project): Promise<{ checks: Check[]; project?: Project }> {
  let project: Project;
  try {
    project = load();
  } catch (err) {
    const fix = err instanceof UserError ? (err.hint ?? 'correct meltano.yml') : 'correct meltano.yml';
    return {
      checks: [{ name: 'project', ok: false, detail: err instanceof UserError ? err.message : String(err), fix }],
    };
  }
  const checks: Check[] = [
    {
      name: 'project',
      ok: true,
      detail: `${project.root}: ${project.jobs.length} jobs, ${project.schedules.length} schedules`,
    },
    await meltanoCheck(project),
    schedulesCheck(project),
    ...webhooksCheck(project),
  ];
  return { checks, project };
}

function systemDbCheck(pollers: number, queue: string, databaseUri: SettingValue<string>): Check {
  const local = usesLocalSystemDb(databaseUri);
  const where = databaseUri.source === 'default' ? "Meltano's default, .meltano/meltano.db" : databaseUri.origin;
  if (pollers > 1 && local) {
    return {
      name: 'system database',
      ok: false,
      detail: `${pollers} workers poll '${queue}' but the system database is SQLite (${where}): state and the run lock are not shared`,
      fix: 'point MELTANO_DATABASE_URI (or database_uri in meltano.yml) at one PostgreSQL database for every worker',
    };
  }
  return {
    name: 'system database',
    ok: true,
    detail: local ? `local SQLite (${where}; fine for one worker)` : `shared (${databaseUri.origin})`,
  };
}

/** The server, namespace, search attributes, workers and system database checks. */
export async function serverChecks(
  project: Project,
  settings: () => Promise<ConnectionSettings>,
  scopeOptions: ScopeOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Check[]> {
  const checks: Check[] = [];
  let connected: Awaited<ReturnType<typeof connectClient>>;
  try {
    const s = await settings();
    connected = await connectClient(s);
    await connected.client.connection.workflowService.getSystemInfo({});
    checks.push({ name: 'server', ok: true, detail: `reachable at ${s.address}` });
  } catch (err) {
    checks.push({
      name: 'server',
      ok: false,
      detail: message(err),
      fix: 'start one (meltano-temporal up) or set TEMPORAL_ADDRESS, and the TLS/API key settings for a secured cluster',
    });
    return checks;
  }
  const { client, connection } = connected;
  const namespace = client.options.namespace;
  try {
    await connection.workflowService.describeNamespace({ namespace });
    checks.push({ name: 'namespace', ok: true, detail: namespace });
    const attrs = await connection.operatorService.listSearchAttributes({ namespace });
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
    const scope = resolveScope(project, scopeOptions, env);
    const queue = scope.taskQueue;
    checks.push(...environmentsCheck(project, scope.environment));
    const pollers = await activityPollers(client, queue);
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
    for (const [routed, names] of routedQueues(project, scope.environment, queue)) {
      const polling = await activityPollers(client, routed);
      checks.push(
        polling.length
          ? {
              name: 'workers',
              ok: true,
              detail: `${polling.length} polling task queue '${routed}' (schedules ${names.join(', ')}): ${polling.join(', ')}`,
            }
          : {
              name: 'workers',
              ok: false,
              detail: `nobody polls task queue '${routed}', where annotations.temporal.task_queue sends schedules ${names.join(', ')}: their runs will wait`,
              fix: `start one: meltano-temporal worker --task-queue ${routed} (or --task-queue ${queue},${routed})`,
            },
      );
    }
    checks.push(systemDbCheck(pollers.length, queue, systemDatabaseUri(project, env)));
  } catch (err) {
    checks.push({
      name: 'namespace',
      ok: false,
      detail: `${namespace}: ${(err as Error).message}`,
      fix: `create it (temporal operator namespace create --namespace ${namespace}) or set TEMPORAL_NAMESPACE`,
    });
  } finally {
    await connection.close();
  }
  return checks;
}

/**
 * Several workers on one queue while this one uses Meltano's local SQLite:
 * the warning to print, or undefined. Advisory: connection problems yield
 * undefined (the worker reports those itself).
 */
export async function unsharedStateWarning(
  settings: ConnectionSettings,
  taskQueue: string,
  databaseUri: SettingValue<string>,
): Promise<string | undefined> {
  if (!usesLocalSystemDb(databaseUri)) return undefined;
  try {
    const { client, connection } = await connectClient(settings);
    try {
      const pollers = await activityPollers(client, taskQueue);
      if (pollers.length <= 1) return undefined;
      return `${pollers.length} workers poll '${taskQueue}' but this one uses a local SQLite system database: Meltano state and its run lock are not shared between them. Point MELTANO_DATABASE_URI (or database_uri in meltano.yml) at one PostgreSQL database for every worker.`;
    } finally {
      await connection.close();
    }
  } catch {
    return undefined;
  }
}
