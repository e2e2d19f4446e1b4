/**
 * Token buckets for anonymous usage beacons: one per client address, which may burst (a
 * tablet that was offline flushes its queue) but not flood, and one shared by all
 * anonymous clients, which bounds what many addresses together can store.
 *
 * The per-client state is an LRU of at most `maxClients` buckets, each forgotten once it
 * would have refilled anyway (`burst / perSecond` seconds idle): a lookup is O(1) whatever
 * the number of clients seen, and memory is bounded. A bucket evicted early (more than
 * `maxClients` active addresses) restarts full — the shared bucket still holds the line.
 */
import { LRUCache } from 'lru-cache';

/** One token bucket. */
export interface BucketOptions {
  /** Events that may be sent at once. */
  burst: number;
  /** Events per second refilled. */
  perSecond: number;
}

/** A client's bucket (the fields inherited) and the shared one. */
export interface RateLimitOptions extends BucketOptions {
  /** The bucket all anonymous clients share. */
  global: BucketOptions;
  /** Client buckets kept (least recently used forgotten first). */
  maxClients: number;
}

/**
 * Defaults: a client may send 500 events at once and 12 a minute after that (a tablet
 * sends a view per page and a search per pause in typing); all anonymous clients together
 * 5,000 at once and 10 a second.
 */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  burst: 500,
  perSecond: 0.2,
  global: { burst: 5000, perSecond: 10 },
  maxClients: 10_000,
};

interface Bucket {
  tokens: number;
  at: number;
}

function refill(bucket: Bucket, { burst, perSecond }: BucketOptions, time: number): void {
  bucket.tokens = Math.min(burst, bucket.tokens + ((time - bucket.at) / 1000) * perSecond);
  bucket.at = time;
}

/** Returns `allow(key, count)`: true (and spends) when both the client and everyone have `count` tokens left. */
export function createRateLimiter(options: RateLimitOptions, now: () => number = Date.now) {
  const refillMs = Math.ceil((options.burst / options.perSecond) * 1000);
  const clients = new LRUCache<string, Bucket>({ max: options.maxClients, ttl: refillMs, ttlAutopurge: false });
  const shared: Bucket = { tokens: options.global.burst, at: now() };
  const allow = (key: string, count: number): boolean => {
    const time = now();
    const bucket = clients.get(key) ?? { tokens: options.burst, at: time };
    refill(bucket, options, time);
    refill(shared, options.global, time);
    clients.set(key, bucket);
    if (bucket.tokens < count || shared.tokens < count) return false;
    bucket.tokens -= count;
    shared.tokens -= count;
    return true;
  };
  /** Client buckets currently held (for tests and benchmarks). */
  allow.size = () => clients.size;
  return allow;
}
