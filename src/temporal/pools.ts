/**
 * Pools in meltano.yml: `annotations.temporal.pool: NAME` on a schedule (or on its job) puts its runs in a
 * pool; the sizes are at the top level, `annotations: {temporal: {pools: {warehouse: 2}}}`, and an
 * environment's own `annotations.temporal.pools` overrides them. Sync writes the pool and its size into each
 * schedule's action, so a changed size takes effect at the next sync. Pure: reads the model only.
 */
import { ProjectFileError } from '../errors.js';
import { mergedTopLevel } from '../project/settings.js';
import type { Project, ScheduleDef } from '../project/model.js';
import type { PoolNeed } from '../../workflows/pool-types.js';

const POOL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/u;

const record = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

const temporalOf = (annotations: unknown): Record<string, unknown> | undefined => record(record(annotations)?.temporal);

interface SizeSource {
  size: unknown;
  /** Where the size was written, for messages. */
  file: string;
  entry: string;
}

/** The size of each pool for `environment`: the top level's, overridden by the environment's own. */
function poolSizes(project: Pick<Project, 'files'>, environment: string | undefined): Map<string, SizeSource> {
  const sizes = new Map<string, SizeSource>();
  const top = record(temporalOf(mergedTopLevel(project.files, 'annotations'))?.pools);
  const rootFile = project.files[0]?.relPath ?? 'meltano.yml';
  for (const [name, size] of Object.entries(top ?? {}))
    sizes.set(name, { size, file: rootFile, entry: `annotations.temporal.pools.${name}` });
  if (environment === undefined) return sizes;
  for (const file of project.files) {
    const environments = record(file.data)?.environments;
    if (!Array.isArray(environments)) continue;
    for (const env of environments) {
      const e = record(env);
      if (e?.name !== environment) continue;
      for (const [name, size] of Object.entries(record(temporalOf(e.annotations)?.pools) ?? {}))
        sizes.set(name, {
          size,
          file: file.relPath,
          entry: `environment '${environment}' annotations.temporal.pools.${name}`,
        });
    }
  }
  return sizes;
}

/**
 * The pool a schedule's runs take a slot of, and its size in `environment`; undefined without one.
 * @throws {ProjectFileError} the pool is not a name, has no size, or its size is not a whole number of at least 1
 */
export function schedulePool(
  project: Pick<Project, 'files' | 'jobs'>,
  schedule: ScheduleDef,
  environment: string | undefined,
): PoolNeed | undefined {
  const job = schedule.kind === 'job' ? project.jobs.find((j) => j.name === schedule.job) : undefined;
  const own = temporalOf(schedule.annotations)?.pool;
  const inherited = temporalOf(job?.annotations)?.pool;
  const [name, file, entry] =
    own !== undefined
      ? [own, schedule.file, `schedule '${schedule.name}' annotations.temporal.pool`]
      : [inherited, job?.file ?? schedule.file, `job '${job?.name ?? ''}' annotations.temporal.pool`];
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || !POOL_NAME.test(name))
    throw new ProjectFileError(
      file,
      entry,
      `must be a pool's name (letters, digits, _ . -), not ${JSON.stringify(name)}`,
      {
        hint: 'write pool: warehouse, and its size at the top of meltano.yml: annotations: {temporal: {pools: {warehouse: 2}}}',
      },
    );
  const source = poolSizes(project, environment).get(name);
  if (!source)
    throw new ProjectFileError(file, entry, `names pool '${name}', which has no size`, {
      hint: `give it one at the top of meltano.yml: annotations: {temporal: {pools: {${name}: 1}}}`,
    });
  const { size } = source;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1)
    throw new ProjectFileError(
      source.file,
      source.entry,
      `must be a whole number of at least 1 (how many runs of the pool at once), not ${JSON.stringify(size)}`,
      { hint: `set ${name}: 1` },
    );
  return { name, size };
}
