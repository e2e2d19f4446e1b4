/**
 * Per-request context: the stores, the current read model, the caller, and dataloaders
 * whose caches live and die with the request.
 */
import type { Client } from '@libsql/client';
import DataLoader from 'dataloader';
import type { Viewer } from './auth.ts';
import type { Catalog } from './data/catalog.ts';
import { type DocumentDetails, loadDetails } from './data/document-details.ts';

export interface Context {
  index: Client;
  events: Client;
  catalog: Catalog;
  viewer: Viewer;
  /** Today (YYYY-MM-DD) for review states and default metric ranges. */
  today: string;
  reuseScores: () => Promise<Map<string, number>>;
  /** Called after events are recorded, so rankings pick them up. */
  onEventsRecorded: () => void;
  /** Rate limiter for anonymous events: true when `count` more are allowed. */
  allowAnonymous: (clientKey: string, count: number) => boolean;
  loaders: {
    details: DataLoader<string, DocumentDetails>;
  };
  /** Per-request memo for aggregates several fields share. */
  memo: Map<string, Promise<unknown>>;
}

/** Builds the request-scoped loaders. */
export function createLoaders(index: Client): Context['loaders'] {
  return {
    details: new DataLoader((ids: readonly string[]) => loadDetails(index, ids), { maxBatchSize: 200 }),
  };
}
