/**
 * Options of `meltano run` a manual run may pass to every task
 * (`schedule run NAME --full-refresh ...`), with Meltano's own meaning.
 */
import { UsageError } from '../errors.js';

export interface MeltanoRunOptions {
  /** Ignore state left by previous runs (`--full-refresh`). */
  fullRefresh?: boolean;
  /** Discover again instead of using the cached catalog (`--refresh-catalog`). */
  refreshCatalog?: boolean;
  /** Do not save state (`--no-state-update`). */
  noStateUpdate?: boolean;
  /** Appended to each state id: `<env>:<tap>-to-<target>:<suffix>` (`--state-id-suffix`). */
  stateIdSuffix?: string;
}

/** `meltano elt` (legacy elt schedules) knows only these two. */
const ELT_SUPPORTED: Array<keyof MeltanoRunOptions> = ['fullRefresh', 'refreshCatalog'];

const FLAG: Record<keyof MeltanoRunOptions, string> = {
  fullRefresh: '--full-refresh',
  refreshCatalog: '--refresh-catalog',
  noStateUpdate: '--no-state-update',
  stateIdSuffix: '--state-id-suffix',
};

/** Only the options that are set; undefined when none is. */
export function normaliseRunOptions(o: MeltanoRunOptions): MeltanoRunOptions | undefined {
  if (o.stateIdSuffix !== undefined && !/^[A-Za-z0-9._-]+$/u.test(o.stateIdSuffix)) {
    throw new UsageError(`--state-id-suffix '${o.stateIdSuffix}' may hold only letters, digits, '.', '_' and '-'`, {
      hint: 'e.g. --state-id-suffix backfill-2026',
    });
  }
  const out: MeltanoRunOptions = {
    ...(o.fullRefresh ? { fullRefresh: true } : {}),
    ...(o.refreshCatalog ? { refreshCatalog: true } : {}),
    ...(o.noStateUpdate ? { noStateUpdate: true } : {}),
    ...(o.stateIdSuffix ? { stateIdSuffix: o.stateIdSuffix } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

/** The words added after `meltano run` (or `meltano elt`). */
export function runOptionArgs(o: MeltanoRunOptions | undefined): string[] {
  if (!o) return [];
  return [
    ...(o.fullRefresh ? [FLAG.fullRefresh] : []),
    ...(o.refreshCatalog ? [FLAG.refreshCatalog] : []),
    ...(o.noStateUpdate ? [FLAG.noStateUpdate] : []),
    ...(o.stateIdSuffix ? [FLAG.stateIdSuffix, o.stateIdSuffix] : []),
  ];
}

/** Options `meltano elt` lacks, as flags; empty when all are supported. */
export function unsupportedByElt(o: MeltanoRunOptions | undefined): string[] {
  if (!o) return [];
  return (Object.keys(o) as Array<keyof MeltanoRunOptions>)
    .filter((k) => !ELT_SUPPORTED.includes(k))
    .map((k) => FLAG[k]);
}

/**
 * Refuse options a legacy elt schedule cannot pass on (before anything starts).
 * @throws {UsageError} the schedule is an elt schedule and an option is one `meltano elt` lacks
 */
export function checkRunOptionsFor(
  schedule: { name: string; kind: string } | undefined,
  o: MeltanoRunOptions | undefined,
): void {
  const unsupported = schedule?.kind === 'elt' ? unsupportedByElt(o) : [];
  if (unsupported.length)
    throw new UsageError(
      `Schedule '${schedule?.name ?? ''}' is a legacy elt schedule: meltano elt has no ${unsupported.join(', ')}.`,
      { hint: 'use --full-refresh or --refresh-catalog only, or turn the schedule into a job schedule' },
    );
}

/** One line for the run's details in the UI. */
export function describeRunOptions(o: MeltanoRunOptions | undefined): string {
  const args = runOptionArgs(o);
  return args.length ? `meltano run options: ${args.join(' ')}` : '';
}
