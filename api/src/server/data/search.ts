/**
 * Troubleshooting search in the API: the query brain's plan (`search/plan.ts`) carried
 * out over the in-memory full text (full-text.ts) tier by tier, ranked and judged by the
 * brain's rules (`search/rank.ts`), then filtered, paged, counted per facet and
 * highlighted (highlight.ts). The portal runs the same plan over Pagefind; what differs
 * is only where the text relevance comes from.
 */

import type { Dimension } from '../../content/dimensions.ts';
import { planQuery, type QueryPlan, type TermRef, termsPointedTo } from '../../search/plan.ts';
import {
  compareRanked,
  HANDFUL,
  inheritFromReplaced,
  ladder,
  type MatchLevel,
  matchLevel,
  partCount,
  type RankFacts,
  rankScore,
  type Tier,
  withReplacements,
} from '../../search/rank.ts';
import { byCodeUnit, escapeHtml } from '../../search/text.ts';
import type { Catalog, DocumentRecord } from './catalog.ts';
import { replacementsOf } from './document-facts.ts';
import { type DocumentFilter, type FilterDimension, matchesFilter } from './document-filter.ts';
import { markedWords, markingExpression, matchExpression, missedGroups, tierExpression } from './full-text.ts';
import { highlight, snippet } from './highlight.ts';

/** Documents read per tier: every full match worth ranking, the best partial ones. */
const MAX_CANDIDATES = 1000;
const MAX_PARTIAL_CANDIDATES = 100;

export interface Hit {
  id: string;
  document: DocumentRecord;
  tier: Tier;
  /** Text relevance (bm25, ≥ 0); 1 for a listing without a query. */
  relevance: number;
  score: number;
  /** Place of the document in the full text (`catalog.fullText`). */
  ordinal: number | undefined;
}

/** How many of the terms a document is tagged with (or under). */
function taggedCount(document: DocumentRecord, terms: readonly TermRef[]): number {
  let count = 0;
  for (const term of terms) if (document.all[term.dimension].includes(term.id)) count++;
  return count;
}

/** What ranking knows about a document for a plan. */
export function rankFacts(
  catalog: Catalog,
  document: DocumentRecord,
  terms: readonly TermRef[],
  reuse: ReadonlyMap<string, number>,
): RankFacts {
  return {
    kind: document.kind,
    status: document.status,
    superseded: catalog.superseded.has(document.id),
    reuse: reuse.get(document.id) ?? 0,
    taggedTerms: taggedCount(document, terms),
  };
}

/**
 * Every document the plan finds, ranked: tier by tier down the ladder until a handful of
 * documents pass `accept` (the filter), lower tiers ranking below higher ones.
 */
export function searchDocuments(
  catalog: Catalog,
  plan: QueryPlan,
  reuse: ReadonlyMap<string, number>,
  accept: (document: DocumentRecord) => boolean = () => true,
): Hit[] {
  const { documentAt, ordinalOf } = searchIndexOf(catalog);
  const found: Hit[] = [];
  if (partCount(plan) === 0) {
    for (const document of catalog.documents.values())
      found.push({ id: document.id, document, tier: 0, relevance: 1, score: 0, ordinal: undefined });
  }
  // Found in a higher tier already, by full-text ordinal.
  const seen = new Uint8Array(documentAt.length);
  let accepted = 0;
  for (const tier of ladder(plan)) {
    const expression = tierExpression(plan, tier);
    if (!expression) continue;
    const limit = tier === 0 ? MAX_CANDIDATES : MAX_PARTIAL_CANDIDATES;
    for (const { ordinal, relevance } of matchExpression(catalog.fullText, expression, limit)) {
      const document = documentAt[ordinal];
      if (!document || seen[ordinal] === 1) continue;
      seen[ordinal] = 1;
      found.push({ id: document.id, document, tier, relevance, score: 0, ordinal });
      if (accept(document)) accepted++;
    }
    if (accepted >= HANDFUL) break;
  }
  const scoreOf = (document: DocumentRecord, relevance: number) =>
    rankScore(relevance, rankFacts(catalog, document, plan.terms, reuse), plan.intent);
  for (const hit of found) hit.score = scoreOf(hit.document, hit.relevance);
  const hits = inheritFromReplaced(
    found,
    (id) => replacementsOf(catalog, id).map((d) => d.id),
    (id, replaced) => {
      const document = catalog.documents.get(id);
      if (!document) return undefined;
      // Its own text, for highlights, when it matched too.
      const ordinal = ordinalOf.get(id);
      const own = ordinal !== undefined && seen[ordinal] === 1 ? ordinal : undefined;
      return { ...replaced, id, document, ordinal: own, score: scoreOf(document, replaced.relevance) };
    },
  );
  return hits.sort(compareRanked);
}

/** Escapes text for HTML and turns the \x02…\x03 markers into `<mark>` elements. */
export function marked(text: string): string {
  return escapeHtml(text).replaceAll('\u0002', '<mark>').replaceAll('\u0003', '</mark>');
}

/** One value of a facet and how many results have it. */
export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

export type Facets = Record<FilterDimension, FacetValue[]>;

/** How a result relates to the query. */
export type EdgeMatch = 'all' | 'some' | 'replacement';

/** A result on a page of search results. */
export interface SearchEdge {
  cursor: string;
  node: DocumentRecord;
  score: number;
  relevance: number;
  match: EdgeMatch;
  /** For a replacement: the replaced document that matched. */
  replacementFor: DocumentRecord | undefined;
  titleHighlight: string;
  snippet: string;
}

/** A page of search results: plain data, so it can be cached. */
export interface SearchPage {
  edges: SearchEdge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
  facets: Facets;
  match: MatchLevel;
  corrections: { word: string; suggestions: string[] }[];
  matchedTerms: TermRef[];
  /** Meaningful words no document holds. */
  unknownWords: string[];
  /** When the match is not strong: the failure modes the words point to. */
  pointsTo: TermRef[];
  intent: QueryPlan['intent'];
}

const FACET_DIMENSIONS: {
  key: FilterDimension;
  values: (d: DocumentRecord) => readonly string[];
  terms?: Dimension;
}[] = [
  { key: 'kind', values: (d) => [d.kind] },
  { key: 'status', values: (d) => [d.status] },
  { key: 'businessUnit', values: (d) => [d.businessUnit], terms: 'businessUnit' },
  { key: 'process', values: (d) => d.direct.process, terms: 'process' },
  { key: 'failureMode', values: (d) => d.direct.failureMode, terms: 'failureMode' },
  { key: 'equipment', values: (d) => d.direct.equipment, terms: 'equipment' },
];

/**
 * What search derives from a catalog, once per index generation: documents by full-text
 * ordinal, and each document's facet values as small numbers (counting is then adding up).
 */
interface SearchIndex {
  documentAt: (DocumentRecord | undefined)[];
  ordinalOf: Map<string, number>;
  /** Per facet dimension, the value of each number. */
  facetValues: string[][];
  /** Per document, the numbers of its values in each facet dimension. */
  facetsOf: Map<DocumentRecord, Int32Array[]>;
}

const searchIndexes = new WeakMap<Catalog, SearchIndex>();

function searchIndexOf(catalog: Catalog): SearchIndex {
  let index = searchIndexes.get(catalog);
  if (index) return index;
  const numbers = FACET_DIMENSIONS.map(() => new Map<string, number>());
  const facetsOf = new Map<DocumentRecord, Int32Array[]>();
  for (const document of catalog.documents.values()) {
    facetsOf.set(
      document,
      FACET_DIMENSIONS.map(({ values }, dimension) => {
        const known = numbers[dimension] as Map<string, number>;
        return Int32Array.from(values(document), (value) => {
          if (!known.has(value)) known.set(value, known.size);
          return known.get(value) as number;
        });
      }),
    );
  }
  const { ids } = catalog.fullText;
  index = {
    documentAt: ids.map((id) => catalog.documents.get(id)),
    ordinalOf: new Map(ids.map((id, ordinal) => [id, ordinal])),
    facetValues: numbers.map((known) => [...known.keys()]),
    facetsOf,
  };
  searchIndexes.set(catalog, index);
  return index;
}

/** Counts per value of each dimension, each counted with the other dimensions' filters only. */
function facetCounts(
  catalog: Catalog,
  documents: readonly DocumentRecord[],
  filter: DocumentFilter | null | undefined,
) {
  const index = searchIndexOf(catalog);
  const counts = index.facetValues.map((values) => new Int32Array(values.length));
  // The values met, per dimension: a plant has thousands of equipment ids, a page a few.
  const met: number[][] = index.facetValues.map(() => []);
  for (const document of documents) {
    const numbers = index.facetsOf.get(document);
    if (!numbers) continue;
    for (let dimension = 0; dimension < numbers.length; dimension++) {
      const key = (FACET_DIMENSIONS[dimension] as (typeof FACET_DIMENSIONS)[number]).key;
      if (filter && !matchesFilter(document, filter, key)) continue;
      const [list, tally] = [numbers[dimension] as Int32Array, counts[dimension] as Int32Array];
      for (const value of list) {
        if (tally[value] === 0) met[dimension]?.push(value);
        tally[value] = (tally[value] as number) + 1;
      }
    }
  }
  const facets = {} as Facets;
  for (const [dimension, { key, terms }] of FACET_DIMENSIONS.entries()) {
    const [values, tally] = [index.facetValues[dimension] as string[], counts[dimension] as Int32Array];
    facets[key] = (met[dimension] as number[])
      .map((n) => {
        const value = values[n] as string;
        const label = terms ? (catalog.terms[terms].get(value)?.label ?? value) : value;
        return { value, count: tally[n] as number, label };
      })
      .sort((a, b) => b.count - a.count || byCodeUnit(a.value, b.value));
  }
  return facets;
}

export interface SearchRequest {
  query: string;
  filter: DocumentFilter | null | undefined;
  first: number;
  offset: number;
  cursorOf: (offset: number) => string;
}

/** One page of search results with everything a results page shows. */
export function searchPage(
  catalog: Catalog,
  reuse: ReadonlyMap<string, number>,
  { query, filter, first, offset, cursorOf }: SearchRequest,
): SearchPage {
  const plan = planQuery(catalog.lexicon, query);
  const hits = searchDocuments(catalog, plan, reuse, (d) => matchesFilter(d, filter));
  const filtered = hits.filter((hit) => matchesFilter(hit.document, filter));
  const best = filtered[0];
  const missed =
    best?.tier === 1 && best.ordinal !== undefined ? missedGroups(catalog.fullText, plan, best.ordinal) : undefined;
  const match = matchLevel(plan, best ? [{ tier: best.tier, missed }] : []);
  const placed = withReplacements(
    filtered,
    (id) => replacementsOf(catalog, id).map((d) => d.id),
    (id) => {
      const document = catalog.documents.get(id);
      return document && { id, document, tier: 2 as const, relevance: 0, score: 0, ordinal: undefined };
    },
  );
  const slice = placed.slice(offset, offset + first);
  const { fullText } = catalog;
  const marking = markingExpression(plan);
  const edges: SearchEdge[] = slice.map(({ item, replacementFor, ownMatch }, i) => {
    const body = item.ordinal === undefined ? undefined : fullText.bodies[item.ordinal];
    const marks = item.ordinal === undefined ? undefined : markedWords(fullText, marking, item.ordinal);
    const mark = marks && { title: highlight(item.document.title, marks), snippet: body ? snippet(body, marks) : '' };
    return {
      cursor: cursorOf(offset + i),
      node: item.document,
      score: item.score,
      relevance: item.relevance,
      match: !ownMatch ? 'replacement' : item.tier === 0 ? 'all' : 'some',
      replacementFor: replacementFor ? catalog.documents.get(replacementFor) : undefined,
      titleHighlight: marked(mark?.title ?? item.document.title),
      snippet: marked(mark?.snippet || item.document.summary),
    };
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: offset + first < placed.length,
      hasPreviousPage: offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: placed.length,
    facets: facetCounts(
      catalog,
      hits.map((hit) => hit.document),
      filter,
    ),
    match,
    corrections: plan.corrections,
    matchedTerms: plan.terms,
    unknownWords: plan.unknown,
    pointsTo: match === 'strong' ? [] : termsPointedTo(catalog.lexicon, plan, ['failureMode']),
    intent: plan.intent,
  };
}
