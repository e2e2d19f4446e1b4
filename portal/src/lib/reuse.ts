/**
 * Reuse per document at build time, from the events store when the machine has one
 * (`$HANSEI_DATA_DIR`, else the repository's `.hansei/`): the build bakes it into each
 * page's Pagefind weights, so reuse shapes portal ranking as it shapes the API's.
 */
import { resolve } from 'node:path';
import { decayedReuse } from '@hansei/api/reuse';
import { isoToday } from '@hansei/api/review-state';
import { openEventsIfPresent, storageConfig } from '@hansei/api/storage';

let loading: Promise<ReadonlyMap<string, number>> | undefined;

/** Decayed reuse by document id; empty without an events store. */
export function loadReuse(): Promise<ReadonlyMap<string, number>> {
  loading ??= (async () => {
    const dataDir = process.env.HANSEI_DATA_DIR ?? resolve(process.cwd(), '../.hansei');
    const events = await openEventsIfPresent(storageConfig(dataDir));
    if (!events) return new Map();
    try {
      return await decayedReuse(events, isoToday());
    } catch (error) {
      // A store from before the daily aggregates existed holds no reuse to weigh.
      if (/no such table/i.test(String(error))) return new Map();
      throw error;
    } finally {
      events.close();
    }
  })();
  return loading;
}
