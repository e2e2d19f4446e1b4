/**
 * Where the staleness signals come from besides the documents: the newest commit of each
 * document (one bulk `git log` of the content folder, renames followed) and the "not
 * helpful" votes of the events store (read only when that store exists).
 */
import { existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { ParsedDocument } from '../content/document.ts';
import { isRemote } from '../db/database.ts';
import { openEvents, type StorageConfig } from '../db/storage.ts';
import { ANONYMOUS_REVIEW_CAP, cappedCountSql } from '../events/anonymous-caps.ts';
import { findRepository, headCommit, logChanges } from '../git/git.ts';
import { versionsFromLog } from '../index/history.ts';
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

/**
 * "Not helpful" votes per document id and day, or `undefined` when there is no events
 * store. Anonymous votes count once per client (events migration 3) and at most
 * `ANONYMOUS_REVIEW_CAP` per document and day: anyone can reach the portal's buttons.
 */
export async function notHelpfulVotes(config: StorageConfig): Promise<Map<string, DailyVotes[]> | undefined> {
  if (!isRemote(config.events)) {
    const path = config.events.startsWith('file:') ? new URL(config.events).pathname : resolve(config.events);
    // Opening would create an empty store; a missing one just means no votes were recorded here.
    if (!existsSync(path)) return undefined;
  }
  const events = await openEvents(config);
  try {
    const capped = cappedCountSql({ not_helpful: ANONYMOUS_REVIEW_CAP });
    const result = await events.execute({
      sql: `SELECT document_id, day, ${capped.sql} AS count FROM event_daily WHERE kind = ? ORDER BY document_id, day`,
      args: [...capped.args, 'not_helpful'],
    });
    const votes = new Map<string, DailyVotes[]>();
    for (const row of result.rows) {
      const id = String(row.document_id);
      const list = votes.get(id) ?? [];
      list.push({ day: String(row.day), count: Number(row.count) });
      votes.set(id, list);
    }
    return votes;
  } finally {
    events.close();
  }
}
