/** How many schedules a sync reads and writes at once: the default and the most (`sync|up --concurrency`). */

/** When not told. */
export const DEFAULT_SYNC_CONCURRENCY = 16;

/** The most schedules written at once: beyond this a server's rate limiter only refuses more. */
export const MAX_SYNC_CONCURRENCY = 256;
