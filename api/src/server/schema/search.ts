/**
 * Finding knowledge: `search` (facets, highlights, typo tolerance, synonyms, reuse-weighted
 * ranking), `similar` ("has this happened before?") and `recommendations` (for a dashboard
 * whose KPI deviated).
 */
import { cursorToOffset, offsetToCursor } from '@pothos/plugin-relay';
import type { Dimension } from '../../index/document-rows.ts';
import type { Context } from '../context.ts';
import type { DocumentRecord } from '../data/catalog.ts';
import { words } from '../data/catalog.ts';
import {
  escapeHtml,
  type Facets,
  type Hit,
  highlights,
  interpret,
  MAX_QUERY_LENGTH,
  rankScore,
  type SearchEdge,
  type SearchPage,
  searchDocuments,
} from '../data/search.ts';
import { hanseiError } from '../errors.ts';
import { builder } from './builder.ts';
import { DocumentFilter, type DocumentFilterInput, matchesFilter } from './document.ts';
import { DocumentRef } from './refs.ts';
import { checkPageSize, listLimit } from './scalars.ts';

const FacetValueRef = builder.objectRef<{ value: string; label: string; count: number }>('FacetValue').implement({
  fields: (t) => ({ value: t.exposeString('value'), label: t.exposeString('label'), count: t.exposeInt('count') }),
});

const FacetsRef = builder.objectRef<Facets>('SearchFacets').implement({
  description:
    'Counts per value of each dimension. Each dimension is counted with the other filters applied, not its own.',
  fields: (t) => ({
    kind: t.field({ type: [FacetValueRef], resolve: (f) => f.kind }),
    status: t.field({ type: [FacetValueRef], resolve: (f) => f.status }),
    businessUnit: t.field({ type: [FacetValueRef], resolve: (f) => f.businessUnit }),
    process: t.field({ type: [FacetValueRef], resolve: (f) => f.process }),
    failureMode: t.field({ type: [FacetValueRef], resolve: (f) => f.failureMode }),
    equipment: t.field({ type: [FacetValueRef], resolve: (f) => f.equipment }),
  }),
});

const CorrectionRef = builder.objectRef<{ word: string; suggestions: string[] }>('SearchCorrection').implement({
  fields: (t) => ({ word: t.exposeString('word'), suggestions: t.exposeStringList('suggestions') }),
});

const MatchedTermRef = builder.objectRef<{ dimension: string; id: string; label: string }>('MatchedTerm').implement({
  description: 'A taxonomy term the query named by its label or an alias (synonym expansion).',
  fields: (t) => ({ dimension: t.exposeString('dimension'), id: t.exposeString('id'), label: t.exposeString('label') }),
});

const SearchEdgeRef = builder.objectRef<SearchEdge>('SearchEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.field({ type: DocumentRef, resolve: (e) => e.node }),
    score: t.exposeFloat('score', { description: 'Final rank score (relevance × reuse × status).' }),
    relevance: t.exposeFloat('relevance', { description: 'Text relevance alone (bm25, synonyms).' }),
    titleHighlight: t.exposeString('titleHighlight', { description: 'Title, HTML-escaped, matches in <mark>.' }),
    snippet: t.exposeString('snippet', { description: 'Best passage of the body, HTML-escaped, matches in <mark>.' }),
  }),
});

const PageInfoRef = builder.objectRef<SearchPage['pageInfo']>('SearchPageInfo').implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage'),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage'),
    startCursor: t.exposeString('startCursor', { nullable: true }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
  }),
});

const SearchConnectionRef = builder.objectRef<SearchPage>('SearchConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [SearchEdgeRef], resolve: (p) => p.edges }),
    pageInfo: t.field({ type: PageInfoRef, resolve: (p) => p.pageInfo }),
    totalCount: t.exposeInt('totalCount'),
    facets: t.field({ type: FacetsRef, resolve: (p) => p.facets }),
    corrections: t.field({
      type: [CorrectionRef],
      description: 'Words the search also tried with a likely spelling.',
      resolve: (p) => p.corrections,
    }),
    matchedTerms: t.field({ type: [MatchedTermRef], resolve: (p) => p.matchedTerms }),
  }),
});

const FACET_DIMENSIONS: {
  key: keyof Facets;
  skip: string;
  values: (d: DocumentRecord) => readonly string[];
  dimension?: Dimension;
}[] = [
  { key: 'kind', skip: 'kind', values: (d) => [d.kind] },
  { key: 'status', skip: 'status', values: (d) => [d.status] },
  { key: 'businessUnit', skip: 'businessUnit', values: (d) => [d.businessUnit], dimension: 'businessUnit' },
  { key: 'process', skip: 'process', values: (d) => d.direct.process, dimension: 'process' },
  { key: 'failureMode', skip: 'failureMode', values: (d) => d.direct.failureMode, dimension: 'failureMode' },
  { key: 'equipment', skip: 'equipment', values: (d) => d.direct.equipment, dimension: 'equipment' },
];

function facetCounts(ctx: Context, hits: readonly Hit[], filter: DocumentFilterInput | null | undefined): Facets {
  const facets = {} as Facets;
  for (const { key, skip, values, dimension } of FACET_DIMENSIONS) {
    const counts = new Map<string, number>();
    for (const hit of hits) {
      if (filter && !matchesFilter(hit.document, filter, skip)) continue;
      for (const value of values(hit.document)) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    facets[key] = [...counts]
      .map(([value, count]) => ({
        value,
        count,
        label: dimension ? (ctx.catalog.terms[dimension].get(value)?.label ?? value) : value,
      }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }
  return facets;
}

async function runSearch(
  ctx: Context,
  query: string,
  filter: DocumentFilterInput | null | undefined,
  first: number,
  after: string | null | undefined,
): Promise<SearchPage> {
  if (query.length > MAX_QUERY_LENGTH)
    throw hanseiError('BAD_USER_INPUT', `query is longer than ${MAX_QUERY_LENGTH} characters`);
  let offset = 0;
  if (after) {
    try {
      offset = cursorToOffset(after) + 1;
    } catch {
      throw hanseiError('BAD_USER_INPUT', 'after is not a cursor of this connection');
    }
  }
  // Refresh the reuse scores first: their version is part of the key.
  const reuse = await ctx.reuseScores();
  const key = JSON.stringify([ctx.catalog.version, ctx.reuseVersion(), query, filter ?? null, first, offset]);
  const cached = ctx.searchCache.get(key);
  if (cached) return cached;
  const page = await computeSearch(ctx, reuse, query, filter, first, offset);
  ctx.searchCache.set(key, page);
  return page;
}

async function computeSearch(
  ctx: Context,
  reuse: ReadonlyMap<string, number>,
  query: string,
  filter: DocumentFilterInput | null | undefined,
  first: number,
  offset: number,
): Promise<SearchPage> {
  const interpretation = interpret(ctx.catalog, query);
  const hits = await searchDocuments(ctx.index, ctx.catalog, interpretation, reuse);
  const filtered = hits.filter((hit) => matchesFilter(hit.document, filter));
  const slice = filtered.slice(offset, offset + first);
  const marks = await highlights(ctx.index, interpretation, slice);
  const edges: SearchEdge[] = slice.map((hit, i) => ({
    cursor: offsetToCursor(offset + i),
    node: hit.document,
    score: hit.score,
    relevance: hit.relevance,
    titleHighlight: marks.get(hit.document.id)?.title ?? escapeHtml(hit.document.title),
    snippet: marks.get(hit.document.id)?.snippet || escapeHtml(hit.document.summary),
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: offset + first < filtered.length,
      hasPreviousPage: offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: filtered.length,
    facets: facetCounts(ctx, hits, filter),
    corrections: [...interpretation.corrections].map(([word, suggestions]) => ({ word, suggestions })),
    matchedTerms: interpretation.terms.map((term) => ({
      ...term,
      label: ctx.catalog.terms[term.dimension as Dimension]?.get(term.id)?.label ?? term.id,
    })),
  };
}

const SimilarRef = builder
  .objectRef<{ document: DocumentRecord; score: number; reasons: string[] }>('SimilarDocument')
  .implement({
    fields: (t) => ({
      document: t.field({ type: DocumentRef, resolve: (s) => s.document }),
      score: t.exposeFloat('score'),
      reasons: t.exposeStringList('reasons', {
        description: 'What it shares: failure modes, equipment, processes, words.',
      }),
    }),
  });

/** Weights of what two documents share, for "has this happened before?". */
export const SIMILARITY_WEIGHTS = {
  failureMode: 4,
  failureModeFamily: 1.5,
  equipment: 3,
  process: 1,
  text: 2,
} as const;

interface Profile {
  failureModes: string[];
  equipment: string[];
  processes: string[];
  text: string;
}

async function similarTo(ctx: Context, profile: Profile, exclude: string | undefined, limit: number) {
  const interpretation = interpret(ctx.catalog, profile.text);
  const textHits = new Map<string, number>();
  if (interpretation.match) {
    // Similarity is about sharing some words, not all of them.
    const hits = await searchDocuments(
      ctx.index,
      ctx.catalog,
      {
        ...interpretation,
        match: interpretation.matchAny ?? interpretation.match,
        matchAny: undefined,
        matchAllButOne: [],
      },
      new Map(),
    );
    const best = Math.max(...hits.map((hit) => hit.relevance), 1e-9);
    for (const hit of hits) textHits.set(hit.document.id, hit.relevance / best);
  }
  const reuse = await ctx.reuseScores();
  const results: { document: DocumentRecord; score: number; reasons: string[] }[] = [];
  for (const document of ctx.catalog.documents.values()) {
    if (document.id === exclude) continue;
    const reasons: string[] = [];
    let score = 0;
    for (const id of profile.failureModes) {
      if (document.all.failureMode.includes(id)) {
        score += SIMILARITY_WEIGHTS.failureMode;
        reasons.push(`failure mode ${ctx.catalog.terms.failureMode.get(id)?.label ?? id}`);
      } else if (document.direct.failureMode.some((other) => other.split('.')[0] === id.split('.')[0])) {
        score += SIMILARITY_WEIGHTS.failureModeFamily;
        reasons.push(`same failure family as ${ctx.catalog.terms.failureMode.get(id)?.label ?? id}`);
      }
    }
    for (const id of profile.equipment) {
      if (document.all.equipment.includes(id)) {
        score += SIMILARITY_WEIGHTS.equipment;
        reasons.push(`equipment ${id}`);
      }
    }
    for (const id of profile.processes) {
      if (document.all.process.includes(id)) {
        score += SIMILARITY_WEIGHTS.process;
        reasons.push(`process ${ctx.catalog.terms.process.get(id)?.label ?? id}`);
      }
    }
    const text = textHits.get(document.id) ?? 0;
    if (text > 0.2) {
      score += SIMILARITY_WEIGHTS.text * text;
      reasons.push('similar wording');
    }
    if (score === 0) continue;
    results.push({
      document,
      score: rankScore(score, reuse.get(document.id) ?? 0, document.status, ctx.catalog.superseded.has(document.id)),
      reasons,
    });
  }
  return results.sort((a, b) => b.score - a.score || a.document.id.localeCompare(b.document.id)).slice(0, limit);
}

builder.queryFields((t) => ({
  search: t.field({
    type: SearchConnectionRef,
    description: 'Troubleshooting search: "What is going wrong?" in the words of the shop floor.',
    args: {
      query: t.arg.string({
        required: false,
        description: `Up to ${MAX_QUERY_LENGTH} characters; empty lists by reuse and status.`,
      }),
      filter: t.arg({ type: DocumentFilter, required: false }),
      first: t.arg.int({ defaultValue: 20 }),
      after: t.arg.string({ required: false }),
    },
    complexity: { field: 10, multiplier: 1 },
    resolve: (_root, args, ctx) => {
      checkPageSize(args);
      return runSearch(ctx, args.query ?? '', args.filter, args.first ?? 20, args.after);
    },
  }),
  similar: t.field({
    type: [SimilarRef],
    description: 'Has this happened before? Documents sharing failure modes, equipment, processes and wording.',
    args: { id: t.arg.string({ required: true }), first: t.arg.int({ defaultValue: 10 }) },
    resolve: async (_root, args, ctx) => {
      const limit = listLimit(args.first);
      const document = ctx.catalog.documents.get(args.id);
      if (!document) return [];
      const profile = {
        failureModes: document.direct.failureMode,
        equipment: document.direct.equipment,
        processes: document.direct.process,
        text: `${document.title} ${document.summary}`,
      };
      return similarTo(ctx, profile, document.id, limit);
    },
  }),
  recommendations: t.field({
    type: [SimilarRef],
    description: 'Which lessons and SOPs apply? For an operations dashboard whose KPI deviated.',
    args: {
      processes: t.arg.stringList({ required: false }),
      failureModes: t.arg.stringList({ required: false }),
      equipment: t.arg.stringList({ required: false }),
      text: t.arg.string({ required: false }),
      first: t.arg.int({ defaultValue: 10 }),
    },
    resolve: (_root, args, ctx) => {
      const limit = listLimit(args.first);
      const text = args.text ?? '';
      if (text.length > MAX_QUERY_LENGTH)
        throw hanseiError('BAD_USER_INPUT', `text is longer than ${MAX_QUERY_LENGTH} characters`);
      const lists = [args.processes, args.failureModes, args.equipment].map((list) => (list ?? []).slice(0, 20));
      if (lists.every((list) => list.length === 0) && words(text).length === 0) {
        throw hanseiError('BAD_USER_INPUT', 'give at least one process, failure mode, equipment item or some text');
      }
      const [processes = [], failureModes = [], equipment = []] = lists;
      return similarTo(ctx, { processes, failureModes, equipment, text }, undefined, limit);
    },
  }),
}));
