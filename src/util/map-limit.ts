/**
 * `items.map(fn)` with at most `limit` calls in flight: a server's rate
 * limiter refuses a burst of hundreds of requests, while one at a time
 * leaves it idle between round trips. Results keep the items' order.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  // `limit` lanes each take the next item when their last one is done, so a slow item holds up only its lane.
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}
