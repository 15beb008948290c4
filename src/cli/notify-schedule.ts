/** The schedule a notify command names must exist in meltano.yml. */
import { UserError } from '../project/errors.js';
import type { Project } from '../project/model.js';

export function knownScheduleOrFail(project: Project, name: string): void {
  if (!project.schedules.some((s) => s.name === name)) {
    throw new UserError(
      `Schedule '${name}' was not found.`,
      1,
      'see the schedules with: meltano-temporal schedule list',
    );
  }
}
