/**
 * Searches nothing answered, routed to whoever should write the missing knowledge: the
 * taxonomy term closest to the words searched, the business unit that term belongs to,
 * and that unit's stewards. One rule for the API's `searchGaps` and the handover digest.
 */
import type { Client } from '@libsql/client';
import type { Dimension } from '../../index/document-rows.ts';
import { type Catalog, type TermRecord, unitOf, words } from './catalog.ts';

/** Where a search gap goes. */
export interface GapRoute {
  dimension: Dimension;
  term: TermRecord;
  /** The business unit whose stewards should answer it, when one can be told. */
  unitId: string | undefined;
  stewards: TermRecord[];
}

/** The taxonomy term whose label or alias shares most words with a query. */
function closestTerm(catalog: Catalog, query: string): { dimension: Dimension; term: TermRecord } | undefined {
  const wanted = new Set(words(query));
  let best: { dimension: Dimension; term: TermRecord; score: number } | undefined;
  for (const dimension of ['equipment', 'failureMode', 'process'] as const) {
    for (const term of catalog.terms[dimension].values()) {
      const names = [term.id, term.label, ...term.aliases].map((name) => words(name));
      const score = Math.max(
        ...names.map((name) => name.filter((w) => wanted.has(w)).length / Math.max(name.length, 1)),
      );
      if (score > 0 && (!best || score > best.score)) best = { dimension, term, score };
    }
  }
  return best;
}

/** The unit of a term: the equipment's own unit, else the unit with most documents on it. */
function unitFor(catalog: Catalog, dimension: Dimension, term: TermRecord): string | undefined {
  if (dimension === 'equipment' && term.data.business_unit) return String(term.data.business_unit);
  const perUnit = new Map<string, number>();
  for (const id of catalog.tagged[dimension].get(term.id) ?? []) {
    const document = catalog.documents.get(id);
    if (document) perUnit.set(document.businessUnit, (perUnit.get(document.businessUnit) ?? 0) + 1);
  }
  return [...perUnit].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** Routes a search that found nothing, or `undefined` when no term shares a word with it. */
export function routeSearchGap(catalog: Catalog, query: string): GapRoute | undefined {
  const closest = closestTerm(catalog, query);
  if (!closest) return undefined;
  const unitId = unitFor(catalog, closest.dimension, closest.term);
  const unit = unitId ? unitOf(catalog, unitId) : undefined;
  return {
    ...closest,
    unitId,
    stewards: (unit?.stewards ?? []).flatMap((id) => catalog.terms.person.get(id) ?? []),
  };
}

/** Searches that found nothing between two instants (ISO 8601, `since` exclusive), most frequent first. */
export async function searchGapsBetween(
  events: Client,
  since: string,
  until: string,
  limit: number,
): Promise<{ query: string; count: number; lastSeen: string }[]> {
  const rows = (
    await events.execute({
      sql: `SELECT lower(trim(query)) AS q, count(*) AS n, max(occurred_at) AS last FROM events
            WHERE kind = 'search' AND result_count = 0 AND occurred_at > ? AND occurred_at <= ?
            GROUP BY q ORDER BY n DESC, last DESC LIMIT ?`,
      args: [since, until, limit],
    })
  ).rows;
  return rows.map((row) => ({ query: String(row.q), count: Number(row.n), lastSeen: String(row.last) }));
}
