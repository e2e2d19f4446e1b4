/**
 * Reuse metrics: the date range a report covers, reuse counted per document and summed
 * per taxonomy term or business unit, the most reused documents and the reports that
 * cited one. The events store counts; this module decides what adds up to what.
 */
import type { Client } from '@libsql/client';
import type { Kind } from '../../content/schema.ts';
import type { Context } from '../context.ts';
import { hanseiError } from '../errors.ts';
import type { Catalog, DocumentRecord, TermRecord } from './catalog.ts';
import { countsByDocument, emptyCounts, type ReuseCounts } from './events-store.ts';

/** The longest range one report may cover. */
export const MAX_RANGE_DAYS = 3 * 366;
/** The range a report covers when it names no start: the last 90 days. */
export const DEFAULT_RANGE_DAYS = 90;

/** Resolves and checks a date range (YYYY-MM-DD, inclusive) ending today by default. */
export function reportRange(
  today: string,
  from: string | null | undefined,
  to: string | null | undefined,
): { from: string; to: string } {
  const end = to ?? today;
  const start = from ?? shiftDays(end, 1 - DEFAULT_RANGE_DAYS);
  if (start > end) throw hanseiError('BAD_USER_INPUT', 'from is after to');
  if (Date.parse(end) - Date.parse(start) > MAX_RANGE_DAYS * 86_400_000)
    throw hanseiError('BAD_USER_INPUT', 'a range spans at most three years');
  return { from: start, to: end };
}

/** A calendar day plus `days` (negative: earlier), YYYY-MM-DD. */
export function shiftDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Counts per document over a range, read once per request however many fields ask. */
export function reuseByDocument(
  ctx: Pick<Context, 'events' | 'memo'>,
  from: string,
  to: string,
): Promise<Map<string, ReuseCounts>> {
  const key = `reuse-by-document:${from}:${to}`;
  let pending = ctx.memo.get(key) as Promise<Map<string, ReuseCounts>> | undefined;
  if (!pending) {
    pending = countsByDocument(ctx.events, from, to);
    ctx.memo.set(key, pending);
  }
  return pending;
}

/** The sum of several documents' counts. */
export function sumCounts(list: readonly (ReuseCounts | undefined)[]): ReuseCounts {
  const total = emptyCounts();
  for (const counts of list) {
    if (!counts) continue;
    for (const key of Object.keys(total) as (keyof ReuseCounts)[]) total[key] += counts[key];
  }
  return total;
}

export interface DocumentReuse {
  document: DocumentRecord;
  counts: ReuseCounts;
  /** The metric ranked by. */
  value: number;
}

/** Documents with any of `metric`, most first (ties by id), optionally of one kind. */
export function mostReused(
  catalog: Catalog,
  counts: Map<string, ReuseCounts>,
  metric: keyof ReuseCounts,
  kind: Kind | null | undefined,
): DocumentReuse[] {
  return [...counts]
    .flatMap(([id, c]) => {
      const document = catalog.documents.get(id);
      return document && (!kind || document.kind === kind) && c[metric] > 0
        ? [{ document, counts: c, value: c[metric] }]
        : [];
    })
    .sort((a, b) => b.value - a.value || a.document.id.localeCompare(b.document.id));
}

export interface UnitReuse {
  unit: TermRecord;
  documents: number;
  counts: ReuseCounts;
}

/** Reuse summed per business unit, in the taxonomy's order. */
export function reusePerUnit(catalog: Catalog, counts: Map<string, ReuseCounts>): UnitReuse[] {
  return [...catalog.terms.businessUnit.values()].map((unit) => {
    const documents = [...catalog.documents.values()].filter((d) => d.businessUnit === unit.id);
    return { unit, documents: documents.length, counts: sumCounts(documents.map((d) => counts.get(d.id))) };
  });
}

export interface ExternalCitation {
  reference: string;
  occurredAt: string;
}

/** Reports (8D, shift reports…) that cited a document, newest first. */
export async function externalCitations(
  events: Client,
  documentId: string,
  limit: number,
): Promise<ExternalCitation[]> {
  const rows = (
    await events.execute({
      sql: "SELECT reference, occurred_at FROM events WHERE kind = 'citation' AND document_id = ? ORDER BY occurred_at DESC LIMIT ?",
      args: [documentId, limit],
    })
  ).rows;
  return rows.map((row) => ({ reference: String(row.reference ?? ''), occurredAt: String(row.occurred_at) }));
}
