/**
 * The key order Meltano 4.4.1 writes a job or schedule entry in (its
 * `Canonical` classes): first the keys its class does not know, in the order
 * written; then the class's own fields; `annotations` goes back to the index
 * it had. A schedule with a `job` is a job schedule, so `extractor`, `loader`
 * and `transform` beside a `job` count as unknown keys and move to the front.
 * Used for the entry an edit rewrites, so its bytes are Meltano's.
 */

const JOB_FIELDS = ['name', 'tasks'];
const JOB_SCHEDULE_FIELDS = ['name', 'interval', 'env', 'job'];
const ELT_SCHEDULE_FIELDS = ['name', 'interval', 'env', 'extractor', 'loader', 'transform'];

/**
 * `keys` of one entry of `list` (`jobs` or `schedules`) in Meltano's order;
 * `hasJob` tells a job schedule (a non-empty `job`) from an elt one.
 */
export function meltanoKeyOrder(list: string, keys: readonly string[], hasJob: boolean): string[] {
  const fields = list === 'jobs' ? JOB_FIELDS : hasJob ? JOB_SCHEDULE_FIELDS : ELT_SCHEDULE_FIELDS;
  const annotationsAt = keys.indexOf('annotations');
  const rest = keys.filter((k) => k !== 'annotations');
  const ordered = [...rest.filter((k) => !fields.includes(k)), ...fields.filter((k) => rest.includes(k))];
  // Python's list.insert: an index past the end appends.
  if (annotationsAt >= 0) ordered.splice(Math.min(annotationsAt, ordered.length), 0, 'annotations');
  return ordered;
}
