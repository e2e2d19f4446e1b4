/**
 * A token bucket per client: anonymous usage beacons may burst (a tablet that was offline
 * flushes its queue) but not flood.
 */
export interface RateLimitOptions {
  /** Events a client may send at once. */
  burst: number;
  /** Events per second refilled. */
  perSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 500, perSecond: 2 };

/** Returns `allow(key, count)`: true (and spends) when the client has `count` tokens left. */
export function createRateLimiter({ burst, perSecond }: RateLimitOptions, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (key: string, count: number): boolean => {
    const time = now();
    const bucket = buckets.get(key) ?? { tokens: burst, at: time };
    bucket.tokens = Math.min(burst, bucket.tokens + ((time - bucket.at) / 1000) * perSecond);
    bucket.at = time;
    buckets.set(key, bucket);
    // Forget idle clients so the map cannot grow without bound.
    if (buckets.size > 10_000) {
      for (const [other, value] of buckets) if (value.tokens >= burst) buckets.delete(other);
    }
    if (bucket.tokens < count) return false;
    bucket.tokens -= count;
    return true;
  };
}
