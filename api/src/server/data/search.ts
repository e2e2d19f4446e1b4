/**
 * Troubleshooting search. The text never reaches FTS5 as syntax: it is split into words
 * and each word is quoted, so `"AND (` or `NEAR(` are just words. On top of bm25:
 *
 * - synonyms: a phrase that is a taxonomy label or alias ("NOK torque") also finds the
 *   documents tagged with that term, and is searched through the indexed aliases;
 * - typo tolerance: a word not in the vocabulary of titles and taxonomy labels is also
 *   searched as its closest vocabulary words (1 edit up to 5 letters, 2 beyond);
 * - ranking: score = relevance × reuse factor × status factor (see `rankScore`).
 */
import { distance } from 'fastest-levenshtein';
import type { DatabaseReader } from '../../db/database.ts';
import { FTS_WEIGHTS } from '../../index/migrations.ts';
import type { Catalog, DocumentRecord } from './catalog.ts';
import { words } from './catalog.ts';

/** Longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 200;
const MAX_WORDS = 12;
const MAX_CANDIDATES = 1000;
/** Documents matching only some words are a tail: the best hundred per query are plenty. */
const MAX_PARTIAL_CANDIDATES = 100;
/**
 * When no document matches every word, documents matching any word are searched instead.
 * Only then: an any-word query over common words scores most of the corpus.
 */
const FEW_RESULTS = 1;
/** Relevance of a document matching only some of the words, relative to its bm25. */
const ALL_BUT_ONE_FACTOR = 0.7;
const ANY_WORD_FACTOR = 0.5;

export interface Hit {
  document: DocumentRecord;
  /** Row of the document in the full-text table, for highlights. */
  ftsRowid: number | undefined;
  /** Text relevance, ≥ 0 (0 when matched through a synonym or with no query). */
  relevance: number;
  score: number;
}

export interface Interpretation {
  /** The words searched for (stop words dropped unless nothing else is left). */
  words: string[];
  /** Typo corrections that were added: word → vocabulary words. */
  corrections: Map<string, string[]>;
  /** Taxonomy terms named in the query by label or alias. */
  terms: { dimension: string; id: string }[];
  /** FTS5 expressions (every word quoted): all words, and any word (the fallback). */
  match: string | undefined;
  matchAny: string | undefined;
  /** All words but one, for each word: the first fallback when nothing matches all. */
  matchAllButOne: string[];
}

/** Words that say nothing about a fault; dropped so they do not match every document. */
const STOP_WORDS = new Set(
  'a an and are as at be but by did does for from had has have how if in into is it its keeps keep of on or our the their then there this to was we were what when where which while why with during after before again'.split(
    ' ',
  ),
);

/** Reads a query: words, corrections, synonym terms, and a safe FTS5 expression. */
export function interpret(catalog: Catalog, query: string): Interpretation {
  const all = words(query).slice(0, MAX_WORDS);
  const meaningful = all.filter((word) => !STOP_WORDS.has(word));
  const tokens = meaningful.length > 0 ? meaningful : all;
  const corrections = new Map<string, string[]>();
  for (const word of tokens) {
    if (word.length < 4 || catalog.vocabulary.has(word) || /^\d+$/.test(word)) continue;
    const budget = word.length <= 5 ? 1 : 2;
    const close: string[] = [];
    for (const candidate of catalog.vocabulary) {
      if (Math.abs(candidate.length - word.length) > budget) continue;
      if (distance(word, candidate) <= budget) close.push(candidate);
      if (close.length >= 3) break;
    }
    if (close.length > 0) corrections.set(word, close);
  }
  const terms: Interpretation['terms'] = [];
  // Phrases are matched on the words as typed: aliases may contain stop words.
  for (let size = Math.min(4, all.length); size >= 1; size--) {
    for (let start = 0; start + size <= all.length; start++) {
      const phrase = all.slice(start, start + size).join(' ');
      for (const term of catalog.phrases.get(phrase) ?? []) {
        if (!terms.some((t) => t.dimension === term.dimension && t.id === term.id)) terms.push(term);
      }
    }
  }
  const quote = (word: string) => `"${word.replaceAll('"', '')}"`;
  const groups = tokens.map((word) => {
    const alternatives = [quote(word), ...(corrections.get(word) ?? []).map(quote)];
    return alternatives.length === 1 ? alternatives[0] : `(${alternatives.join(' OR ')})`;
  });
  return {
    words: tokens,
    corrections,
    terms,
    match: groups.length > 0 ? groups.join(' AND ') : undefined,
    matchAny: groups.length > 1 ? groups.join(' OR ') : undefined,
    matchAllButOne:
      groups.length > 2 && groups.length <= 6
        ? groups.map((_, skip) => groups.filter((_, i) => i !== skip).join(' AND '))
        : [],
  };
}

/** Status and supersession weigh on rank: approved knowledge first, replaced knowledge last. */
export const STATUS_FACTOR: Record<DocumentRecord['status'], number> = {
  approved: 1,
  'in-review': 0.8,
  draft: 0.6,
  deprecated: 0.25,
};
export const SUPERSEDED_FACTOR = 0.25;
/** Relevance a synonym match adds, per matched term. */
export const SYNONYM_BOOST = 2;

/**
 * score = relevance × (1 + 0.2 × ln(1 + reuse)) × status factor × (0.25 if superseded),
 * where reuse is the decayed weighted event count (negative reuse lowers the factor, to at
 * least 0.5), and a query-less listing ranks by the same factors with relevance 1.
 */
export function rankScore(
  relevance: number,
  reuse: number,
  status: DocumentRecord['status'],
  superseded: boolean,
): number {
  const reuseFactor = Math.min(2, Math.max(0.5, 1 + 0.2 * Math.sign(reuse) * Math.log1p(Math.abs(reuse))));
  return relevance * reuseFactor * STATUS_FACTOR[status] * (superseded ? SUPERSEDED_FACTOR : 1);
}

/** Runs the query against FTS5 and the catalog; returns every candidate, ranked. */
export async function searchDocuments(
  index: DatabaseReader,
  catalog: Catalog,
  interpretation: Interpretation,
  reuse: ReadonlyMap<string, number>,
): Promise<Hit[]> {
  const relevance = new Map<string, number>();
  const ftsRowids = new Map<string, number>();
  const run = async (match: string, factor: number, limit: number) => {
    const weights = Object.values(FTS_WEIGHTS).join(', ');
    const rows = (
      await index.execute({
        sql: `SELECT rowid, document_id, bm25(documents_fts, ${weights}) AS rank FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rank LIMIT ${limit}`,
        args: [match],
      })
    ).rows;
    for (const row of rows) {
      const id = String(row.document_id);
      // bm25 is negative, lower is better: flip it so relevance grows with the match.
      if (!relevance.has(id)) relevance.set(id, -Number(row.rank) * factor);
      ftsRowids.set(id, Number(row.rowid));
    }
  };
  // Every word first; when that finds little, any word, ranked below full matches.
  if (interpretation.match) await run(interpretation.match, 1, MAX_CANDIDATES);
  // Nothing has every word: try every word but one (cheap intersections, like a
  // "minimum should match"), and only then any word at all (scores most of the corpus).
  if (relevance.size < FEW_RESULTS) {
    for (const match of interpretation.matchAllButOne) await run(match, ALL_BUT_ONE_FACTOR, MAX_PARTIAL_CANDIDATES);
  }
  if (interpretation.matchAny && relevance.size < FEW_RESULTS)
    await run(interpretation.matchAny, ANY_WORD_FACTOR, MAX_PARTIAL_CANDIDATES);
  // Documents tagged with a term the query names already match through the aliases in
  // their indexed taxonomy text; the tag itself earns them a boost on top of bm25.
  for (const term of interpretation.terms) {
    for (const id of catalog.tagged[term.dimension as keyof DocumentRecord['all']]?.get(term.id) ?? []) {
      const current = relevance.get(id);
      if (current !== undefined) relevance.set(id, current + SYNONYM_BOOST);
    }
  }
  const candidates = interpretation.words.length === 0 ? [...catalog.documents.keys()] : [...relevance.keys()];
  const hits: Hit[] = [];
  for (const id of candidates) {
    const document = catalog.documents.get(id);
    if (!document) continue;
    const textRelevance = relevance.get(id) ?? 0;
    const base = interpretation.words.length === 0 ? 1 : textRelevance;
    hits.push({
      document,
      ftsRowid: ftsRowids.get(id),
      relevance: textRelevance,
      score: rankScore(base, reuse.get(id) ?? 0, document.status, catalog.superseded.has(id)),
    });
  }
  return hits.sort((a, b) => b.score - a.score || a.document.id.localeCompare(b.document.id));
}

/** Highlighted title and body snippet for a page of hits (HTML-escaped, `<mark>` around matches). */
export async function highlights(
  index: DatabaseReader,
  interpretation: Interpretation,
  hits: readonly Hit[],
): Promise<Map<string, { title: string; snippet: string }>> {
  const result = new Map<string, { title: string; snippet: string }>();
  const match = interpretation.matchAny ?? interpretation.match;
  const rowids = hits.flatMap((hit) => (hit.ftsRowid === undefined ? [] : [hit.ftsRowid]));
  if (!match || rowids.length === 0) return result;
  // By rowid, so FTS5 seeks the page's rows instead of scanning every match.
  const rows = (
    await index.execute({
      sql: `SELECT document_id, highlight(documents_fts, 1, char(2), char(3)) AS title,
              snippet(documents_fts, 3, char(2), char(3), '…', 24) AS snippet
            FROM documents_fts WHERE documents_fts MATCH ? AND rowid IN (${rowids.map(() => '?').join(', ')})`,
      args: [match, ...rowids],
    })
  ).rows;
  for (const row of rows)
    result.set(String(row.document_id), { title: marked(String(row.title)), snippet: marked(String(row.snippet)) });
  return result;
}

/** Escapes text for HTML and turns the \x02…\x03 markers into `<mark>` elements. */
export function marked(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll('\u0002', '<mark>')
    .replaceAll('\u0003', '</mark>');
}

/** Plain text escaped for HTML (used when there is nothing to highlight). */
export function escapeHtml(text: string): string {
  return marked(text.replaceAll('\u0002', '').replaceAll('\u0003', ''));
}

/** One value of a facet and how many results have it. */
export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

/** Facet counts per dimension. */
export interface Facets {
  kind: FacetValue[];
  status: FacetValue[];
  businessUnit: FacetValue[];
  process: FacetValue[];
  failureMode: FacetValue[];
  equipment: FacetValue[];
}

/** A result on a page of search results. */
export interface SearchEdge {
  cursor: string;
  node: DocumentRecord;
  score: number;
  relevance: number;
  titleHighlight: string;
  snippet: string;
}

/** A page of search results: plain data, so it can be cached. */
export interface SearchPage {
  edges: SearchEdge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
  facets: Facets;
  corrections: { word: string; suggestions: string[] }[];
  matchedTerms: { dimension: string; id: string; label: string }[];
}
