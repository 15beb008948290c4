/**
 * Projects and scopes for the sync unit tests: meltano.yml text parsed as
 * `load` parses it (no files, no meltano), the scope resolved as commands
 * resolve it, and schedules as earlier versions of this tool created them.
 */
import path from 'node:path';
import { buildProject } from '../../src/project/build.js';
import { parseProjectFile } from '../../src/project/files.js';
import type { Project } from '../../src/project/model.js';
import type { MappingContext } from '../../src/temporal/schedule-mapping.js';
import { mappingContext, resolveScope } from '../../src/temporal/scope.js';
import type { FakeScheduleServer } from './fake-schedule-server.js';

export const ROOT = '/srv/elt/shop';
export const PROJECT_ID = '5f1e8a3c-2b4d-4e6f-8a9b-0c1d2e3f4a5b';

/** `- name: NAME\n  interval: INTERVAL\n  job: el` entries, plus `extra` lines under each. */
export const entries = (schedules: Record<string, string>, extra = ''): string =>
  Object.entries(schedules)
    .map(([name, interval]) => `- name: ${name}\n  interval: '${interval}'\n  job: el\n${extra}`)
    .join('');

export function project(schedules: string, projectId: string | null = PROJECT_ID): Project {
  const yaml = `default_environment: dev
${projectId ? `project_id: ${projectId}\n` : ''}environments:
- name: dev
plugins:
  extractors:
  - name: tap-foo
  loaders:
  - name: target-jsonl
jobs:
- name: el
  tasks:
  - tap-foo target-jsonl
schedules:
${schedules}`;
  return buildProject(ROOT, [parseProjectFile(path.join(ROOT, 'meltano.yml'), ROOT, yaml)]);
}

/** The context sync runs in for `p`, scoped as a command without flags scopes it (no environment variables). */
export function context(p: Project): MappingContext {
  return mappingContext(p, resolveScope(p, {}, {}));
}

/**
 * A schedule as an earlier version made it: `projectId` absent (0.1.0, before ownership marks)
 * or the directory mark (synced while meltano.yml had no project_id); id from the directory name.
 */
export async function earlierSchedule(
  fake: FakeScheduleServer,
  name: string,
  options: { projectId?: string; paused?: boolean; note?: string; project?: string } = {},
): Promise<string> {
  const projectKey = options.project ?? 'shop';
  const id = `meltano:${projectKey}:dev:${name}`;
  await fake.create({
    scheduleId: id,
    spec: { cronExpressions: ['0 0 * * *'] },
    action: { type: 'startWorkflow', workflowType: 'meltanoJob', taskQueue: 'meltano', args: [{ schedule: name }] },
    memo: {
      managedBy: 'meltano-temporal',
      project: projectKey,
      ...(options.projectId ? { projectId: options.projectId } : {}),
      environment: 'dev',
      schedule: name,
    },
    state: { paused: options.paused ?? false, ...(options.note ? { note: options.note } : {}) },
  });
  return id;
}

/** A schedule nobody's sync made: no memo, or another project's mark. */
export async function foreignSchedule(
  fake: FakeScheduleServer,
  id: string,
  memo?: Record<string, unknown>,
): Promise<void> {
  await fake.create({
    scheduleId: id,
    spec: { cronExpressions: ['*/5 * * * *'] },
    action: { type: 'startWorkflow', workflowType: 'otherWorkflow', taskQueue: 'other', args: [] },
    ...(memo ? { memo } : {}),
  });
}
