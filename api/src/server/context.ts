/**
 * Per-request context: the stores, the read model of the index generation the request is
 * pinned to, the caller, and dataloaders whose caches live and die with the request.
 */
import type { Client } from '@libsql/client';
import DataLoader from 'dataloader';
import type { Cause, CorrectiveAction, Prompt } from '../content/structure.ts';
import type { DatabaseReader } from '../db/database.ts';
import type { Version } from '../git/history.ts';
import type { ChangeHistory } from '../handover/window-changes.ts';
import type { Viewer } from './auth.ts';
import type { Catalog } from './data/catalog.ts';
import { loadActions, loadCauses, loadPrompts, loadTexts, loadVersions } from './data/document-details.ts';
import type { SearchPage } from './data/search.ts';
import type { SharedState } from './shared-state.ts';

export interface Context {
  /** The snapshot of the index generation this request is pinned to. */
  index: DatabaseReader;
  events: Client;
  /** The catalog of the same generation. */
  catalog: Catalog;
  /** The generation's number (part of cache keys). */
  generation: number;
  viewer: Viewer;
  /** Today (YYYY-MM-DD) for review states and default metric ranges. */
  today: string;
  /** The instant of the request: event and reading time windows, the end of a handover window. */
  now: Date;
  /** The content's git history, for handover digests; undefined when the server has none. */
  history: ChangeHistory | undefined;
  reuseScores: () => Promise<Map<string, number>>;
  /** Recent search pages, keyed by index version, reuse version and arguments. */
  searchCache: { get(key: string): SearchPage | undefined; set(key: string, page: SearchPage): unknown };
  /** Version of the reuse scores behind rankings (part of the search cache key). */
  reuseVersion: () => number;
  /** Called after events are recorded, so rankings pick them up. */
  onEventsRecorded: () => void;
  /** Called after KPI readings are recorded: cached answers (statuses) are dropped, rankings kept. */
  onReadingsRecorded: () => void;
  /** Rate limiter for anonymous events: true when `count` more are allowed (shared by all workers). */
  allowAnonymous: SharedState['allowAnonymous'];
  /** Stores KPI readings, in one queue for all workers of the server. */
  recordReadings: SharedState['recordReadings'];
  /** Stores reuse events, in one writer queue for all workers of the server. */
  recordEvents: SharedState['recordEvents'];
  /** Events older than this many days are refused (the raw-event retention window). */
  retentionDays: number;
  /** The keyed hash standing for an anonymous client (its votes count once per document). */
  voterOf: (clientKey: string) => Promise<string>;
  loaders: {
    text: DataLoader<string, string>;
    versions: DataLoader<string, Omit<Version, 'documentId'>[]>;
    prompts: DataLoader<string, Prompt[]>;
    causes: DataLoader<string, Cause[]>;
    actions: DataLoader<string, CorrectiveAction[]>;
  };
  /** Per-request memo for aggregates several fields share. */
  memo: Map<string, Promise<unknown>>;
}

/** Builds the request-scoped loaders. */
export function createLoaders(index: DatabaseReader): Context['loaders'] {
  const options = { maxBatchSize: 200 };
  return {
    text: new DataLoader((ids: readonly string[]) => loadTexts(index, ids), options),
    versions: new DataLoader((ids: readonly string[]) => loadVersions(index, ids), options),
    prompts: new DataLoader((ids: readonly string[]) => loadPrompts(index, ids), options),
    causes: new DataLoader((ids: readonly string[]) => loadCauses(index, ids), options),
    actions: new DataLoader((ids: readonly string[]) => loadActions(index, ids), options),
  };
}
