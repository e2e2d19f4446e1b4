/**
 * Finding knowledge: `search` (the query brain over the index: facets, highlights, typo
 * tolerance, synonyms, reuse-weighted ranking, how well it matched), `similar` ("has
 * this happened before?") and `recommendations` (for a dashboard whose KPI deviated).
 */
import { cursorToOffset, offsetToCursor } from '@pothos/plugin-relay';
import { MAX_QUERY_LENGTH } from '../../search/plan.ts';
import type { Facets, SearchEdge, SearchPage } from '../data/search.ts';
import { cachedSearchPage } from '../data/search-request.ts';
import { recommend, similarToDocument } from '../data/similar.ts';
import { hanseiError } from '../errors.ts';
import { builder } from './builder.ts';
import { DocumentFilter } from './document-filter.ts';
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
  description: 'A word no document holds, searched as the closest words that documents do hold.',
  fields: (t) => ({ word: t.exposeString('word'), suggestions: t.exposeStringList('suggestions') }),
});

const MatchedTermRef = builder.objectRef<{ dimension: string; id: string; label: string }>('MatchedTerm').implement({
  description: 'A taxonomy term: named in the query (by label, alias, tag or code) or pointed to by its words.',
  fields: (t) => ({ dimension: t.exposeString('dimension'), id: t.exposeString('id'), label: t.exposeString('label') }),
});

export const SearchMatchEnum = builder.enumType('SearchMatch', {
  description: 'How well a page of results answers its query.',
  values: {
    STRONG: { value: 'strong', description: 'The best result matches every meaningful word.' },
    WEAK: { value: 'weak', description: 'Results match only some of the words, or some words are in no document.' },
    NONE: { value: 'none', description: 'Nothing matched.' },
  } as const,
});

const EdgeMatchEnum = builder.enumType('SearchHitMatch', {
  description: 'Why a result is on the page.',
  values: {
    ALL_WORDS: { value: 'all', description: 'It matches every meaningful word of the query.' },
    SOME_WORDS: { value: 'some', description: 'A partial match: it misses one or more words.' },
    REPLACEMENT: {
      value: 'replacement',
      description: 'Shown, or ranked where it is, only because it replaces a document that matched.',
    },
  } as const,
});

const IntentEnum = builder.enumType('SearchIntent', {
  values: {
    HOW_TO: { value: 'how-to', description: '"How do I …": SOPs rank higher.' },
    HISTORY: { value: 'history', description: '"Happened before", "last time": RCAs and lessons rank higher.' },
  } as const,
});

const SearchEdgeRef = builder.objectRef<SearchEdge>('SearchEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.field({ type: DocumentRef, resolve: (e) => e.node }),
    score: t.exposeFloat('score', { description: 'Rank score within its tier (relevance × reuse × status × …).' }),
    relevance: t.exposeFloat('relevance', { description: 'Text relevance alone (bm25).' }),
    match: t.field({ type: EdgeMatchEnum, resolve: (e) => e.match }),
    replacementFor: t.field({
      type: DocumentRef,
      nullable: true,
      description: 'When it replaces a document that matched the query: that document.',
      resolve: (e) => e.replacementFor ?? null,
    }),
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
    match: t.field({ type: SearchMatchEnum, resolve: (p) => p.match }),
    strongMatch: t.boolean({
      description: 'False when nothing answers the query’s meaningful words well (a search gap).',
      resolve: (p) => p.match === 'strong',
    }),
    corrections: t.field({
      type: [CorrectionRef],
      description: 'Words no document holds, searched as the closest words documents do hold ("did you mean").',
      resolve: (p) => p.corrections,
    }),
    matchedTerms: t.field({ type: [MatchedTermRef], resolve: (p) => p.matchedTerms }),
    unknownWords: t.exposeStringList('unknownWords', {
      description: 'Meaningful words of the query that no document holds and that could not be corrected.',
    }),
    pointsTo: t.field({
      type: [MatchedTermRef],
      description: 'When the match is not strong: the failure modes the query’s words point to.',
      resolve: (p) => p.pointsTo,
    }),
    intent: t.field({ type: IntentEnum, nullable: true, resolve: (p) => p.intent ?? null }),
  }),
});

/** The offset after a cursor of this connection. */
function offsetAfter(cursor: string): number {
  try {
    return cursorToOffset(cursor) + 1;
  } catch {
    throw hanseiError('BAD_USER_INPUT', 'after is not a cursor of this connection');
  }
}

const SimilarRef = builder
  .objectRef<{ document: SearchEdge['node']; score: number; reasons: string[] }>('SimilarDocument')
  .implement({
    fields: (t) => ({
      document: t.field({ type: DocumentRef, resolve: (s) => s.document }),
      score: t.exposeFloat('score'),
      reasons: t.exposeStringList('reasons', {
        description: 'What it shares: failure modes, equipment, processes, words.',
      }),
    }),
  });

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
      return cachedSearchPage(ctx, {
        query: args.query ?? '',
        filter: args.filter,
        first: args.first ?? 20,
        offset: args.after ? offsetAfter(args.after) : 0,
        cursorOf: offsetToCursor,
      });
    },
  }),
  similar: t.field({
    type: [SimilarRef],
    description: 'Has this happened before? Documents sharing failure modes, equipment, processes and wording.',
    args: { id: t.arg.string({ required: true }), first: t.arg.int({ defaultValue: 10 }) },
    resolve: (_root, args, ctx) => similarToDocument(ctx, args.id, listLimit(args.first)),
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
    resolve: (_root, args, ctx) => recommend(ctx, args, listLimit(args.first)),
  }),
}));
