/**
 * Reuse reports for integrations (scope `metrics:read`): the most reused documents,
 * totals per business unit, reuse of everything over time, and search gaps routed to the
 * steward of the closest taxonomy term. Lists that grow with the corpus are connections.
 */
import type { TermRef } from '../../search/plan.ts';
import type { TermRecord } from '../data/catalog.ts';
import { type Interval, type ReuseCounts, timeSeries } from '../data/events-store.ts';
import { type DocumentReuse, mostReused, reuseByDocument, reusePerUnit, type UnitReuse } from '../data/metrics.ts';
import { countSearchGapsOnDays, routeSearchGap, searchGapsOnDays } from '../data/search-gaps.ts';
import { builder } from './builder.ts';
import { BusinessUnitRef, DocumentKindEnum, DocumentRef, PersonRef } from './refs.ts';
import { metricsRange, ReuseCountsRef, ReuseMetricEnum, ReusePointRef, rangeArgs, seriesArgs } from './reuse.ts';
import { listConnection, offsetConnection } from './scalars.ts';

const DocumentReuseRef = builder.objectRef<DocumentReuse>('DocumentReuse').implement({
  fields: (t) => ({
    document: t.field({ type: DocumentRef, resolve: (r) => r.document }),
    counts: t.field({ type: ReuseCountsRef, resolve: (r) => r.counts }),
    value: t.exposeInt('value', { description: 'The metric ranked by.' }),
  }),
});

const UnitReuseRef = builder.objectRef<UnitReuse>('UnitReuse').implement({
  fields: (t) => ({
    businessUnit: t.field({ type: BusinessUnitRef, resolve: (r) => r.unit }),
    documents: t.exposeInt('documents'),
    counts: t.field({ type: ReuseCountsRef, resolve: (r) => r.counts }),
  }),
});

const ClosestTermRef = builder.objectRef<TermRef>('ClosestTerm').implement({
  fields: (t) => ({
    dimension: t.exposeString('dimension'),
    id: t.exposeString('id'),
    label: t.exposeString('label'),
  }),
});

interface RoutedGap {
  query: string;
  count: number;
  reported: number;
  lastSeen: string;
  term: TermRef | undefined;
  stewards: TermRecord[];
}

const SearchGapRef = builder.objectRef<RoutedGap>('SearchGap').implement({
  description:
    'A search nothing answered well (no results, or only partial matches), and who should write the missing knowledge.',
  fields: (t) => ({
    query: t.exposeString('query'),
    count: t.exposeInt('count', { description: 'Searches for it that found nothing or only weak matches.' }),
    reported: t.exposeInt('reported', { description: 'Times someone told the steward it found nothing useful.' }),
    lastSeen: t.field({ type: 'DateTime', resolve: (g) => g.lastSeen }),
    closestTerm: t.field({ type: ClosestTermRef, nullable: true, resolve: (g) => g.term ?? null }),
    stewards: t.field({ type: [PersonRef], resolve: (g) => g.stewards }),
  }),
});

builder.queryFields((t) => ({
  topReused: t.connection(
    {
      type: DocumentReuseRef,
      description: 'The most reused documents over a range, most first (scope metrics:read).',
      args: {
        metric: t.arg({ type: ReuseMetricEnum, defaultValue: 'citation' }),
        kind: t.arg({ type: DocumentKindEnum, required: false }),
        ...rangeArgs,
      },
      resolve: async (_root, args, ctx) => {
        const { from, to } = metricsRange(ctx, args);
        const counts = await reuseByDocument(ctx, from, to);
        const metric = (args.metric ?? 'citation') as keyof ReuseCounts;
        return listConnection(args, mostReused(ctx.catalog, counts, metric, args.kind));
      },
    },
    { name: 'DocumentReuseConnection' },
    { name: 'DocumentReuseEdge' },
  ),
  unitReuse: t.connection(
    {
      type: UnitReuseRef,
      description: 'Reuse totals per business unit over a range (scope metrics:read).',
      args: rangeArgs,
      resolve: async (_root, args, ctx) => {
        const { from, to } = metricsRange(ctx, args);
        return listConnection(args, reusePerUnit(ctx.catalog, await reuseByDocument(ctx, from, to)));
      },
    },
    { name: 'UnitReuseConnection' },
    { name: 'UnitReuseEdge' },
  ),
  reuseSeries: t.field({
    type: [ReusePointRef],
    description: 'Reuse of all documents over time (scope metrics:read).',
    args: seriesArgs,
    resolve: (_root, args, ctx) => {
      const { from, to } = metricsRange(ctx, args);
      return timeSeries(ctx.events, (args.interval ?? 'week') as Interval, from, to);
    },
  }),
  searchGaps: t.connection(
    {
      type: SearchGapRef,
      description:
        'Searches nothing answered well (no results or only weak matches) and reported ones, reported first, then the most frequent, routed to a steward (scope metrics:read).',
      args: rangeArgs,
      resolve: async (_root, args, ctx) => {
        const { from, to } = metricsRange(ctx, args);
        const total = await countSearchGapsOnDays(ctx.events, from, to);
        return offsetConnection(args, total, async (page) =>
          (await searchGapsOnDays(ctx.events, from, to, page)).map((gap) => {
            const route = routeSearchGap(ctx.catalog, gap.query);
            return {
              ...gap,
              term: route && { dimension: route.dimension, id: route.term.id, label: route.term.label },
              stewards: route?.stewards ?? [],
            };
          }),
        );
      },
    },
    { name: 'SearchGapConnection' },
    { name: 'SearchGapEdge' },
  ),
}));
