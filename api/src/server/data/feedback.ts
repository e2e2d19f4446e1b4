/**
 * What the API adds to the feedback rules from the content index: the sections of the
 * documents feedback points at (titles for anchors), and the commits that changed a
 * document (a fix must be one of them). SQL with bound arguments only.
 */

import type { Client } from '@libsql/client';
import { type Section, sectionsOf } from '../../content/sections.ts';
import type { DatabaseReader } from '../../db/database.ts';
import { listFeedback } from '../../feedback/feedback-store.ts';
import {
  type FeedbackDocumentInfo,
  type FeedbackInterval,
  type FeedbackMetrics,
  feedbackMetrics,
} from '../../feedback/feedback-summary.ts';
import { fromStoredModel } from '../../index/document-rows.ts';
import type { Catalog } from './catalog.ts';
import { shiftDays } from './metrics.ts';

/** Sections of the given documents, from their stored models. */
export async function sectionsOfDocuments(
  index: DatabaseReader,
  ids: readonly string[],
): Promise<Map<string, Section[]>> {
  const sections = new Map<string, Section[]>();
  if (ids.length === 0) return sections;
  const rows = (
    await index.execute({
      sql: 'SELECT id, model FROM documents WHERE id IN (SELECT value FROM json_each(?))',
      args: [JSON.stringify([...new Set(ids)])],
    })
  ).rows;
  for (const row of rows) sections.set(String(row.id), sectionsOf(fromStoredModel(String(row.model), '')));
  return sections;
}

/** What grouping and listing feedback needs to know of each document. */
export async function feedbackDocuments(
  index: DatabaseReader,
  catalog: Catalog,
  ids: readonly string[],
): Promise<Map<string, FeedbackDocumentInfo>> {
  const sections = await sectionsOfDocuments(index, ids);
  const infos = new Map<string, FeedbackDocumentInfo>();
  for (const id of ids) {
    const document = catalog.documents.get(id);
    if (!document) continue;
    infos.set(id, {
      title: document.title,
      owner: document.owner,
      businessUnit: document.businessUnit,
      sections: sections.get(id) ?? [],
    });
  }
  return infos;
}

/** A commit that changed a document, as the index recorded it from git. */
export interface DocumentCommit {
  sha: string;
  /** Author date, ISO 8601. */
  date: string;
  message: string;
}

/**
 * The commit of a document's history that `commit` (a full id or an unambiguous prefix
 * of at least 7 hex digits) names: `undefined` when none of its commits matches,
 * `ambiguous` when several do.
 */
export async function documentCommit(
  index: DatabaseReader,
  documentId: string,
  commit: string,
): Promise<DocumentCommit | 'ambiguous' | undefined> {
  const rows = (
    await index.execute({
      // `commit` is validated as hex digits: no LIKE wildcards can reach the pattern.
      sql: 'SELECT sha, date, message FROM versions WHERE document_id = ? AND sha LIKE ? LIMIT 2',
      args: [documentId, `${commit.toLowerCase()}%`],
    })
  ).rows;
  if (rows.length > 1) return 'ambiguous';
  const row = rows[0];
  return row ? { sha: String(row.sha), date: String(row.date), message: String(row.message) } : undefined;
}

/**
 * The documents feedback is asked about: one document, a business unit's, or all
 * (`undefined`). A document no longer indexed is still found by its id, unless a unit is
 * named too: then only that unit's indexed documents qualify.
 */
export function feedbackDocumentIds(
  catalog: Catalog,
  filter: { documentId?: string | null; businessUnit?: string | null },
): string[] | undefined {
  const { documentId, businessUnit } = filter;
  if (!businessUnit) return documentId ? [documentId] : undefined;
  return [...catalog.documents.values()]
    .filter((d) => d.businessUnit === businessUnit && (!documentId || d.id === documentId))
    .map((d) => d.id);
}

/** Feedback given over whole days (YYYY-MM-DD, inclusive), summed as the metrics report it. */
export async function feedbackMetricsOver(
  events: Client,
  catalog: Catalog,
  options: { documentIds: string[] | undefined; from: string; to: string; interval: FeedbackInterval },
): Promise<FeedbackMetrics> {
  const records = await listFeedback(events, {
    from: `${options.from}T00:00:00.000Z`,
    to: `${shiftDays(options.to, 1)}T00:00:00.000Z`,
    ...(options.documentIds ? { documentIds: options.documentIds } : {}),
  });
  return feedbackMetrics(records, options.interval, (id) => catalog.documents.get(id)?.businessUnit);
}
