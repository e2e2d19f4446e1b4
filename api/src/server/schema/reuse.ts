/**
 * Reuse counts for integrations (scope `metrics:read`): on every document and taxonomy
 * term, over a date range and as a time series by day, week or month; and the reports
 * that cited a document. What counts is decided in `data/metrics.ts`.
 */
import { requireScope } from '../auth.ts';
import type { Context } from '../context.ts';
import { documentsUnder, type TermRecord } from '../data/catalog.ts';
import { emptyCounts, type Interval, type ReuseCounts, timeSeries } from '../data/events-store.ts';
import { externalCitations, reportRange, reuseByDocument, sumCounts } from '../data/metrics.ts';
import { builder } from './builder.ts';
import { BusinessUnitRef, DocumentRef, EquipmentRef, FailureModeRef, ProcessRef } from './refs.ts';
import { listLimit } from './scalars.ts';

/** GraphQL names of the counted event kinds. */
const COUNT_FIELDS = {
  views: 'view',
  downloads: 'download',
  citations: 'citation',
  helpful: 'helpful',
  notHelpful: 'not_helpful',
  searches: 'search',
  searchGaps: 'search_gap',
  feedback: 'feedback',
} as const satisfies Record<string, keyof ReuseCounts>;

export const ReuseCountsRef = builder.objectRef<ReuseCounts>('ReuseCounts').implement({
  description: 'Reuse events counted over a date range.',
  fields: (t) =>
    Object.fromEntries(Object.entries(COUNT_FIELDS).map(([name, kind]) => [name, t.int({ resolve: (c) => c[kind] })])),
});

export const ReusePointRef = builder.objectRef<{ start: string; counts: ReuseCounts }>('ReusePoint').implement({
  description: 'Reuse in one day, week (from Monday) or month.',
  fields: (t) => ({
    start: t.field({ type: 'Date', resolve: (p) => p.start }),
    counts: t.field({ type: ReuseCountsRef, resolve: (p) => p.counts }),
  }),
});

export const IntervalEnum = builder.enumType('Interval', {
  values: { DAY: { value: 'day' }, WEEK: { value: 'week' }, MONTH: { value: 'month' } } as const,
});

export const ReuseMetricEnum = builder.enumType('ReuseMetric', {
  values: Object.fromEntries(
    Object.entries(COUNT_FIELDS).map(([name, kind]) => [
      name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
      { value: kind },
    ]),
  ) as Record<string, { value: keyof ReuseCounts }>,
});

export const rangeArgs = builder.args((t) => ({
  from: t.field({ type: 'Date', required: false, description: 'First day (default: 90 days before `to`).' }),
  to: t.field({ type: 'Date', required: false, description: 'Last day, inclusive (default: today).' }),
}));

/** The checked range of a metrics field, for a viewer with `metrics:read`. */
export function metricsRange(ctx: Context, args: { from?: string | null; to?: string | null }) {
  requireScope(ctx.viewer, 'metrics:read');
  return reportRange(ctx.today, args.from, args.to);
}

export const seriesArgs = builder.args((t) => ({
  interval: t.field({ type: IntervalEnum, defaultValue: 'week' }),
  ...rangeArgs,
}));

const ExternalCitationRef = builder.objectRef<{ reference: string; occurredAt: string }>('ExternalCitation').implement({
  fields: (t) => ({
    reference: t.exposeString('reference'),
    occurredAt: t.field({ type: 'DateTime', resolve: (c) => c.occurredAt }),
  }),
});

builder.interfaceFields(DocumentRef, (t) => ({
  reuse: t.field({
    type: ReuseCountsRef,
    description: 'Reuse of this document over a range (scope metrics:read).',
    args: rangeArgs,
    resolve: async (d, args, ctx) => {
      const { from, to } = metricsRange(ctx, args);
      return (await reuseByDocument(ctx, from, to)).get(d.id) ?? emptyCounts();
    },
  }),
  reuseSeries: t.field({
    type: [ReusePointRef],
    args: seriesArgs,
    resolve: (d, args, ctx) => {
      const { from, to } = metricsRange(ctx, args);
      return timeSeries(ctx.events, (args.interval ?? 'week') as Interval, from, to, [d.id]);
    },
  }),
  externalCitations: t.field({
    type: [ExternalCitationRef],
    description: 'Reports that cited this document (8D, shift reports…), newest first (scope metrics:read).',
    args: { first: t.arg.int({ defaultValue: 20 }) },
    resolve: (d, args, ctx) => {
      requireScope(ctx.viewer, 'metrics:read');
      return externalCitations(ctx.events, d.id, listLimit(args.first, 20));
    },
  }),
}));

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
        const { from, to } = metricsRange(ctx, args);
        const counts = await reuseByDocument(ctx, from, to);
        return sumCounts(documentsUnder(ctx.catalog, dimension, term.id).map((d) => counts.get(d.id)));
      },
    }),
    reuseSeries: t.field({
      type: [ReusePointRef],
      args: seriesArgs,
      resolve: async (term: TermRecord, args, ctx) => {
        const { from, to } = metricsRange(ctx, args);
        const ids = documentsUnder(ctx.catalog, dimension, term.id).map((d) => d.id);
        return ids.length === 0 ? [] : timeSeries(ctx.events, (args.interval ?? 'week') as Interval, from, to, ids);
      },
    }),
  }));
}
