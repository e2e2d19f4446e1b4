/**
 * Where the staleness signals come from besides the documents: the newest commit of each
 * document (one bulk `git log` of the content folder, renames followed), and from the
 * events store (read only when it exists) the "not helpful" votes, the open frontline
 * feedback and the red KPI learning triggers.
 */
import { relative, sep } from 'node:path';
import type { Client } from '@libsql/client';
import type { ParsedDocument } from '../content/document.ts';
import { openEventsIfPresent, type StorageConfig } from '../db/storage.ts';
import { type FeedbackRecord, listFeedback } from '../feedback/feedback-store.ts';
import { findRepository, headCommit, logChanges } from '../git/git.ts';
import { versionsFromLog } from '../git/history.ts';
import { listTriggers } from '../kpi/kpi-store.ts';
import type { RedTrigger } from '../kpi/recurrence.ts';
import { notHelpfulByDay } from '../server/data/events-store.ts';
import type { Change, DailyVotes } from './staleness.ts';

/**
 * The commits that changed each document (by id), newest first, or `undefined` outside
 * git (or before the first commit).
 */
export async function documentHistory(
  contentRoot: string,
  documents: readonly ParsedDocument[],
): Promise<Map<string, Change[]> | undefined> {
  const repo = await findRepository(contentRoot);
  if (!repo || !(await headCommit(repo))) return undefined;
  const prefix = relative(repo, contentRoot).split(sep).join('/');
  const inRepo = (path: string) => (prefix ? `${prefix}/${path}` : path);
  const current = new Map(documents.map((document) => [inRepo(document.path), document.frontMatter.id]));
  const history = new Map<string, Change[]>();
  for (const version of versionsFromLog(await logChanges(repo, 'HEAD', prefix), current)) {
    const list = history.get(version.documentId) ?? [];
    list.push({ date: version.date.slice(0, 10), sha: version.sha, message: version.message });
    history.set(version.documentId, list);
  }
  return history;
}

/** Reads the events store, or `undefined` when there is none (opening would create one). */
export async function readEventsStore<T>(
  config: StorageConfig,
  read: (events: Client) => Promise<T>,
): Promise<T | undefined> {
  // A missing store just means nothing was recorded here.
  const events = await openEventsIfPresent(config);
  if (!events) return undefined;
  try {
    return await read(events);
  } finally {
    events.close();
  }
}

/** "Not helpful" votes per document id and day (the store's rule), or `undefined` without an events store. */
export function notHelpfulVotes(config: StorageConfig): Promise<Map<string, DailyVotes[]> | undefined> {
  return readEventsStore(config, notHelpfulByDay);
}

/** Red KPI learning triggers (for recurrences), or `undefined` when there is no events store. */
export function redKpiTriggers(config: StorageConfig): Promise<RedTrigger[] | undefined> {
  return readEventsStore(config, (events) => listTriggers(events, { level: 'red', limit: 10_000 }));
}

/** Feedback not yet linked to a fixing commit, newest first; `undefined` without an events store. */
export function openFeedback(config: StorageConfig): Promise<FeedbackRecord[] | undefined> {
  return readEventsStore(config, (events) => listFeedback(events, { status: 'open' }));
}
