/**
 * Reuse metrics for integrations (scope `metrics:read`): per document and per taxonomy
 * term, time series by day, week or month, top reused, per-unit totals, and search gaps
 * routed to the steward of the closest taxonomy term.
 */
import type { Dimension } from '../../content/dimensions.ts';
import type { TermRef } from '../../search/plan.ts';
import { hasScope, type Scope } from '../auth.ts';
import type { Context } from '../context.ts';
import type { DocumentRecord, TermRecord } from '../data/catalog.ts';
import { countsByDocument, emptyCounts, type Interval, type ReuseCounts, timeSeries } from '../data/events-store.ts';
import { routeSearchGap, searchGapsOnDays } from '../data/search-gaps.ts';
import { hanseiError } from '../errors.ts';
import { builder } from './builder.ts';
import {
  BusinessUnitRef,
  DocumentKindEnum,
  DocumentRef,
  EquipmentRef,
  FailureModeRef,
  PersonRef,
  ProcessRef,
} from './refs.ts';
import { daysAgo, listLimit } from './scalars.ts';

/** Throws UNAUTHENTICATED for anonymous callers and FORBIDDEN without the scope. */
export function requireScope(ctx: Context, scope: Scope): void {
  if (ctx.viewer.name === 'anonymous')
    throw hanseiError('UNAUTHENTICATED', `this field needs a token with the ${scope} scope`);
  if (!hasScope(ctx.viewer, scope))
    throw hanseiError('FORBIDDEN', `token "${ctx.viewer.name}" lacks the ${scope} scope`);
}

const MAX_RANGE_DAYS = 3 * 366;

/** Resolves and checks a date range: default the last 90 days, at most three years. */
export function range(
  ctx: Context,
  from: string | null | undefined,
  to: string | null | undefined,
): { from: string; to: string } {
  const end = to ?? ctx.today;
  const start = from ?? daysAgo(end, 89);
  if (start > end) throw hanseiError('BAD_USER_INPUT', 'from is after to');
  if (Date.parse(end) - Date.parse(start) > MAX_RANGE_DAYS * 86_400_000)
    throw hanseiError('BAD_USER_INPUT', 'a range spans at most three years');
  return { from: start, to: end };
}

/** Counts per document over a range, once per request. */
function countsFor(ctx: Context, from: string, to: string): Promise<Map<string, ReuseCounts>> {
  const key = `counts:${from}:${to}`;
  let pending = ctx.memo.get(key) as Promise<Map<string, ReuseCounts>> | undefined;
  if (!pending) {
    pending = countsByDocument(ctx.events, from, to);
    ctx.memo.set(key, pending);
  }
  return pending;
}

function sum(list: readonly (ReuseCounts | undefined)[]): ReuseCounts {
  const total = emptyCounts();
  for (const counts of list) {
    if (!counts) continue;
    for (const key of Object.keys(total) as (keyof ReuseCounts)[]) total[key] += counts[key];
  }
  return total;
}

const countFields = {
  views: 'view',
  downloads: 'download',
  citations: 'citation',
  helpful: 'helpful',
  notHelpful: 'not_helpful',
  searches: 'search',
  searchGaps: 'search_gap',
  feedback: 'feedback',
} as const;

const ReuseCountsRef = builder.objectRef<ReuseCounts>('ReuseCounts').implement({
  description: 'Reuse events counted over a date range.',
  fields: (t) =>
    Object.fromEntries(Object.entries(countFields).map(([name, kind]) => [name, t.int({ resolve: (c) => c[kind] })])),
});

const ReusePointRef = builder.objectRef<{ start: string; counts: ReuseCounts }>('ReusePoint').implement({
  description: 'Reuse in one day, week (from Monday) or month.',
  fields: (t) => ({
    start: t.field({ type: 'Date', resolve: (p) => p.start }),
    counts: t.field({ type: ReuseCountsRef, resolve: (p) => p.counts }),
  }),
});

export const IntervalEnum = builder.enumType('Interval', {
  values: { DAY: { value: 'day' }, WEEK: { value: 'week' }, MONTH: { value: 'month' } } as const,
});

const ReuseMetricEnum = builder.enumType('ReuseMetric', {
  values: Object.fromEntries(
    Object.entries(countFields).map(([name, kind]) => [
      name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
      { value: kind },
    ]),
  ) as Record<string, { value: keyof ReuseCounts }>,
});

const rangeArgs = builder.args((t) => ({
  from: t.field({ type: 'Date', required: false, description: 'First day (default: 90 days before `to`).' }),
  to: t.field({ type: 'Date', required: false, description: 'Last day, inclusive (default: today).' }),
}));

/** Documents a term covers (descendants included). */
function documentsOf(ctx: Context, dimension: Dimension, id: string): DocumentRecord[] {
  return [...ctx.catalog.documents.values()].filter((d) => d.all[dimension].includes(id));
}

builder.interfaceFields(DocumentRef, (t) => ({
  reuse: t.field({
    type: ReuseCountsRef,
    description: 'Reuse of this document over a range (scope metrics:read).',
    args: rangeArgs,
    resolve: async (d, args, ctx) => {
      requireScope(ctx, 'metrics:read');
      const { from, to } = range(ctx, args.from, args.to);
      return (await countsFor(ctx, from, to)).get(d.id) ?? emptyCounts();
    },
  }),
  reuseSeries: t.field({
    type: [ReusePointRef],
    args: { interval: t.arg({ type: IntervalEnum, defaultValue: 'week' }), ...rangeArgs },
    resolve: async (d, args, ctx) => {
      requireScope(ctx, 'metrics:read');
      const { from, to } = range(ctx, args.from, args.to);
      return timeSeries(ctx.events, (args.interval ?? 'week') as Interval, from, to, [d.id]);
    },
  }),
  externalCitations: t.field({
    type: [ExternalCitationRef],
    description: 'Reports that cited this document (8D, shift reports…), newest first (scope metrics:read).',
    args: { first: t.arg.int({ defaultValue: 20 }) },
    resolve: async (d, args, ctx) => {
      requireScope(ctx, 'metrics:read');
      const rows = (
        await ctx.events.execute({
          sql: "SELECT reference, occurred_at FROM events WHERE kind = 'citation' AND document_id = ? ORDER BY occurred_at DESC LIMIT ?",
          args: [d.id, listLimit(args.first, 20)],
        })
      ).rows;
      return rows.map((row) => ({ reference: String(row.reference ?? ''), occurredAt: String(row.occurred_at) }));
    },
  }),
}));

const ExternalCitationRef = builder.objectRef<{ reference: string; occurredAt: string }>('ExternalCitation').implement({
  fields: (t) => ({
    reference: t.exposeString('reference'),
    occurredAt: t.field({ type: 'DateTime', resolve: (c) => c.occurredAt }),
  }),
});

for (const [ref, dimension] of [
  [ProcessRef, 'process'],
  [FailureModeRef, 'failureMode'],
  [EquipmentRef, 'equipment'],
  [BusinessUnitRef, 'businessUnit'],
] as const) {
  builder.objectFields(ref, (t) => ({
    reuse: t.field({
      type: ReuseCountsRef,
      description: 'Reuse of the documents under this term over a range (scope metrics:read).',
      args: rangeArgs,
      resolve: async (term: TermRecord, args, ctx) => {
        requireScope(ctx, 'metrics:read');
        const { from, to } = range(ctx, args.from, args.to);
        const counts = await countsFor(ctx, from, to);
        return sum(documentsOf(ctx, dimension, term.id).map((d) => counts.get(d.id)));
      },
    }),
    reuseSeries: t.field({
      type: [ReusePointRef],
      args: { interval: t.arg({ type: IntervalEnum, defaultValue: 'week' }), ...rangeArgs },
      resolve: async (term: TermRecord, args, ctx) => {
        requireScope(ctx, 'metrics:read');
        const { from, to } = range(ctx, args.from, args.to);
        const ids = documentsOf(ctx, dimension, term.id).map((d) => d.id);
        return ids.length === 0 ? [] : timeSeries(ctx.events, (args.interval ?? 'week') as Interval, from, to, ids);
      },
    }),
  }));
}

const DocumentReuseRef = builder
  .objectRef<{ document: DocumentRecord; counts: ReuseCounts; value: number }>('DocumentReuse')
  .implement({
    fields: (t) => ({
      document: t.field({ type: DocumentRef, resolve: (r) => r.document }),
      counts: t.field({ type: ReuseCountsRef, resolve: (r) => r.counts }),
      value: t.exposeInt('value', { description: 'The metric ranked by.' }),
    }),
  });

const UnitReuseRef = builder
  .objectRef<{ unit: TermRecord; counts: ReuseCounts; documents: number }>('UnitReuse')
  .implement({
    fields: (t) => ({
      businessUnit: t.field({ type: BusinessUnitRef, resolve: (r) => r.unit }),
      documents: t.exposeInt('documents'),
      counts: t.field({ type: ReuseCountsRef, resolve: (r) => r.counts }),
    }),
  });

const SearchGapRef = builder
  .objectRef<{
    query: string;
    count: number;
    reported: number;
    lastSeen: string;
    term: TermRef | undefined;
    stewards: TermRecord[];
  }>('SearchGap')
  .implement({
    description:
      'A search nothing answered well (no results, or only partial matches), and who should write the missing knowledge.',
    fields: (t) => ({
      query: t.exposeString('query'),
      count: t.exposeInt('count', { description: 'Searches for it that found nothing or only weak matches.' }),
      reported: t.exposeInt('reported', { description: 'Times someone told the steward it found nothing useful.' }),
      lastSeen: t.field({ type: 'DateTime', resolve: (g) => g.lastSeen }),
      closestTerm: t.field({
        type: builder.objectRef<TermRef>('ClosestTerm').implement({
          fields: (f) => ({
            dimension: f.exposeString('dimension'),
            id: f.exposeString('id'),
            label: f.exposeString('label'),
          }),
        }),
        nullable: true,
        resolve: (g) => g.term ?? null,
      }),
      stewards: t.field({ type: [PersonRef], resolve: (g) => g.stewards }),
    }),
  });

builder.queryFields((t) => ({
  topReused: t.field({
    type: [DocumentReuseRef],
    description: 'The most reused documents over a range (scope metrics:read).',
    args: {
      metric: t.arg({ type: ReuseMetricEnum, defaultValue: 'citation' }),
      kind: t.arg({ type: DocumentKindEnum, required: false }),
      first: t.arg.int({ defaultValue: 10 }),
      ...rangeArgs,
    },
    resolve: async (_root, args, ctx) => {
      requireScope(ctx, 'metrics:read');
      const limit = listLimit(args.first);
      const { from, to } = range(ctx, args.from, args.to);
      const metric = (args.metric ?? 'citation') as keyof ReuseCounts;
      const counts = await countsFor(ctx, from, to);
      return [...counts]
        .flatMap(([id, c]) => {
          const document = ctx.catalog.documents.get(id);
          return document && (!args.kind || document.kind === args.kind) && c[metric] > 0
            ? [{ document, counts: c, value: c[metric] }]
            : [];
        })
        .sort((a, b) => b.value - a.value || a.document.id.localeCompare(b.document.id))
        .slice(0, limit);
    },
  }),
  unitReuse: t.field({
    type: [UnitReuseRef],
    description: 'Reuse totals per business unit over a range (scope metrics:read).',
    args: rangeArgs,
    resolve: async (_root, args, ctx) => {
      requireScope(ctx, 'metrics:read');
      const { from, to } = range(ctx, args.from, args.to);
      const counts = await countsFor(ctx, from, to);
      return [...ctx.catalog.terms.businessUnit.values()].map((unit) => {
        const documents = [...ctx.catalog.documents.values()].filter((d) => d.businessUnit === unit.id);
        return { unit, documents: documents.length, counts: sum(documents.map((d) => counts.get(d.id))) };
      });
    },
  }),
  reuseSeries: t.field({
    type: [ReusePointRef],
    description: 'Reuse of all documents over time (scope metrics:read).',
    args: { interval: t.arg({ type: IntervalEnum, defaultValue: 'week' }), ...rangeArgs },
    resolve: async (_root, args, ctx) => {
      requireScope(ctx, 'metrics:read');
      const { from, to } = range(ctx, args.from, args.to);
      return timeSeries(ctx.events, (args.interval ?? 'week') as Interval, from, to);
    },
  }),
  searchGaps: t.field({
    type: [SearchGapRef],
    description:
      'Searches nothing answered well (no results or only weak matches) and reported ones, routed to a steward (scope metrics:read).',
    args: { first: t.arg.int({ defaultValue: 20 }), ...rangeArgs },
    resolve: async (_root, args, ctx) => {
      requireScope(ctx, 'metrics:read');
      const { from, to } = range(ctx, args.from, args.to);
      const gaps = await searchGapsOnDays(ctx.events, from, to, listLimit(args.first, 20));
      return gaps.map((gap) => {
        const route = routeSearchGap(ctx.catalog, gap.query);
        return {
          ...gap,
          term: route ? { dimension: route.dimension, id: route.term.id, label: route.term.label } : undefined,
          stewards: route?.stewards ?? [],
        };
      });
    },
  }),
}));
