/**
 * Searches nothing answered well, routed to whoever should write the missing knowledge:
 * the taxonomy term the query is most about (the query brain's `closestTerm`), the
 * business unit that term belongs to, and that unit's stewards. A search is a gap when it
 * found nothing or only weak matches (as the searching client saw it), or when someone
 * tapped "tell the steward what was missing". One rule for the API's `searchGaps` and the
 * handover digest.
 */
import type { Client, Row } from '@libsql/client';
import type { Dimension } from '../../content/dimensions.ts';
import { closestTerm } from '../../search/plan.ts';
import { type Catalog, type TermRecord, unitOf } from './catalog.ts';

/** Where a search gap goes. */
export interface GapRoute {
  dimension: Dimension;
  term: TermRecord;
  /** The business unit whose stewards should answer it, when one can be told. */
  unitId: string | undefined;
  stewards: TermRecord[];
}

/** The unit of a term: the equipment's own unit, else the unit with most documents on it. */
function unitFor(catalog: Catalog, dimension: Dimension, term: TermRecord): string | undefined {
  if (dimension === 'equipment' && term.data.business_unit) return String(term.data.business_unit);
  if (dimension === 'businessUnit') return term.id;
  const perUnit = new Map<string, number>();
  for (const id of catalog.tagged[dimension].get(term.id) ?? []) {
    const document = catalog.documents.get(id);
    if (document) perUnit.set(document.businessUnit, (perUnit.get(document.businessUnit) ?? 0) + 1);
  }
  return [...perUnit].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** Routes a search gap, or `undefined` when its words point to no taxonomy term. */
export function routeSearchGap(catalog: Catalog, query: string): GapRoute | undefined {
  const closest = closestTerm(catalog.lexicon, query);
  const term = closest && catalog.terms[closest.dimension].get(closest.id);
  if (!closest || !term) return undefined;
  const unitId = unitFor(catalog, closest.dimension, term);
  const unit = unitId ? unitOf(catalog, unitId) : undefined;
  return {
    dimension: closest.dimension,
    term,
    unitId,
    stewards: (unit?.stewards ?? []).flatMap((id) => catalog.terms.person.get(id) ?? []),
  };
}

/** A query nothing answered well, and how often. */
export interface SearchGapRow {
  query: string;
  /** Searches for it that found nothing, or only weak matches. */
  count: number;
  /** Times someone tapped "tell the steward what was missing" after it. */
  reported: number;
  lastSeen: string;
}

const gapRow = (row: Row): SearchGapRow => ({
  query: String(row.q),
  count: Number(row.searches),
  reported: Number(row.reported),
  lastSeen: String(row.last),
});

/**
 * Search gaps between two instants (ISO 8601 strings, `since` exclusive, `until`
 * inclusive), from the raw events (a shift handover: hours ago, always within the events'
 * retention window), grouped by query (case and spacing ignored): reported ones first,
 * then the most frequent.
 */
export async function searchGapsBetween(
  events: Client,
  since: string,
  until: string,
  limit: number,
): Promise<SearchGapRow[]> {
  const rows = (
    await events.execute({
      sql: `SELECT lower(trim(query)) AS q, sum(kind = 'search') AS searches, sum(kind = 'search_gap') AS reported,
                   max(occurred_at) AS last
            FROM events
            WHERE kind IN ('search', 'search_gap') AND occurred_at > ? AND occurred_at <= ?
              AND (kind = 'search_gap' OR result_count = 0 OR match IN ('weak', 'none'))
            GROUP BY q ORDER BY reported DESC, searches DESC, last DESC LIMIT ?`,
      args: [since, until, limit],
    })
  ).rows;
  return rows.map(gapRow);
}

const GAPS_ON_DAYS = `SELECT query AS q, sum(CASE WHEN zero_results = 1 THEN count ELSE weak END) AS searches,
                              sum(reported) AS reported, max(last_seen) AS last
                       FROM search_daily WHERE day BETWEEN ? AND ?
                       GROUP BY query HAVING searches > 0 OR reported > 0`;

/** How many distinct queries were gaps over whole days (YYYY-MM-DD, inclusive). */
export async function countSearchGapsOnDays(events: Client, from: string, to: string): Promise<number> {
  const rows = (await events.execute({ sql: `SELECT count(*) AS n FROM (${GAPS_ON_DAYS})`, args: [from, to] })).rows;
  return Number(rows[0]?.n ?? 0);
}

/**
 * A page of search gaps over whole days (YYYY-MM-DD, inclusive), from the daily search aggregates,
 * which outlive the raw events (events migrations 6 and 7: a day's zero-result searches
 * count whole, the others by how many matched only weakly; reports separately).
 */
export async function searchGapsOnDays(
  events: Client,
  from: string,
  to: string,
  page: { limit: number; offset: number },
): Promise<SearchGapRow[]> {
  const rows = (
    await events.execute({
      sql: `${GAPS_ON_DAYS} ORDER BY reported DESC, searches DESC, last DESC, q LIMIT ? OFFSET ?`,
      args: [from, to, page.limit, page.offset],
    })
  ).rows;
  return rows.map(gapRow);
}
