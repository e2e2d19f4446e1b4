/**
 * The store behind Yoga's response cache: an LRU of whole results with a TTL, and a
 * generation number in every key, so "drop everything that rankings or metrics could have
 * changed" is one increment instead of a walk over entity indexes.
 */
import type { Cache } from '@graphql-yoga/plugin-response-cache';
import { LRUCache } from 'lru-cache';

type Result = NonNullable<Awaited<ReturnType<Cache['get']>>>;

export interface ResponseStore extends Cache {
  /** Forgets every cached result. */
  clear(): void;
}

export function createResponseStore(max = 1000): ResponseStore {
  const entries = new LRUCache<string, Result>({ max });
  let generation = 0;
  return {
    get: (key) => entries.get(`${generation}:${key}`),
    set: (key, data, _entities, ttl) => {
      if (Number.isFinite(ttl) && ttl > 0) entries.set(`${generation}:${key}`, data as Result, { ttl });
    },
    // Mutations name the entities they touched; ours change rankings and metrics at large.
    invalidate: () => {
      generation++;
    },
    clear: () => {
      generation++;
    },
  };
}
