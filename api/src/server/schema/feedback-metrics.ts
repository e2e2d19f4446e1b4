/**
 * Feedback metrics (scope metrics:read): how much feedback per document, unit and reason
 * over time, and the median time from feedback to the commit that fixed it.
 */
import type { FeedbackReason } from '../../content/feedback-vocabulary.ts';
import type { FeedbackInterval, FeedbackMetrics } from '../../feedback/feedback-summary.ts';
import { feedbackDocumentIds, feedbackMetricsOver } from '../data/feedback.ts';
import { builder } from './builder.ts';
import { FeedbackReasonEnum } from './feedback.ts';
import { BusinessUnitRef, DocumentRef } from './refs.ts';
import { metricsRange, seriesArgs } from './reuse.ts';
import { listLimit } from './scalars.ts';

const ReasonCountRef = builder.objectRef<{ reason: FeedbackReason; count: number }>('FeedbackReasonCount').implement({
  fields: (t) => ({
    reason: t.field({ type: FeedbackReasonEnum, resolve: (r) => r.reason }),
    count: t.exposeInt('count'),
  }),
});

const DocumentCountRef = builder
  .objectRef<{ documentId: string; count: number; open: number }>('FeedbackDocumentCount')
  .implement({
    fields: (t) => ({
      documentId: t.exposeString('documentId'),
      document: t.field({
        type: DocumentRef,
        nullable: true,
        resolve: (r, _args, ctx) => ctx.catalog.documents.get(r.documentId),
      }),
      count: t.exposeInt('count'),
      open: t.exposeInt('open', { description: 'Not yet linked to a fixing commit.' }),
    }),
  });

const UnitCountRef = builder.objectRef<{ businessUnit: string; count: number }>('FeedbackUnitCount').implement({
  fields: (t) => ({
    businessUnit: t.field({
      type: BusinessUnitRef,
      nullable: true,
      resolve: (r, _args, ctx) => ctx.catalog.terms.businessUnit.get(r.businessUnit),
    }),
    count: t.exposeInt('count'),
  }),
});

const PointRef = builder.objectRef<FeedbackMetrics['series'][number]>('FeedbackPoint').implement({
  description: 'Feedback given in one day, week (from Monday) or month.',
  fields: (t) => ({
    start: t.field({ type: 'Date', resolve: (p) => p.start }),
    total: t.exposeInt('total'),
    byReason: t.field({ type: [ReasonCountRef], resolve: (p) => p.byReason }),
  }),
});

const MetricsRef = builder.objectRef<FeedbackMetrics>('FeedbackMetrics').implement({
  fields: (t) => ({
    total: t.exposeInt('total'),
    open: t.exposeInt('open'),
    closed: t.exposeInt('closed', { description: 'Linked to the commit that fixed it.' }),
    byReason: t.field({ type: [ReasonCountRef], resolve: (m) => m.byReason }),
    byDocument: t.field({
      type: [DocumentCountRef],
      args: { first: t.arg.int({ defaultValue: 10 }) },
      resolve: (m, args) => m.byDocument.slice(0, listLimit(args.first)),
    }),
    byUnit: t.field({ type: [UnitCountRef], resolve: (m) => m.byUnit }),
    series: t.field({ type: [PointRef], resolve: (m) => m.series }),
    medianHoursToFix: t.float({
      nullable: true,
      description: 'Median hours from feedback to the author date of its fixing commit; null when none is fixed.',
      resolve: (m) => (m.medianHoursToFix === null ? null : Math.round(m.medianHoursToFix * 10) / 10),
    }),
  }),
});

builder.queryFields((t) => ({
  feedbackMetrics: t.field({
    type: MetricsRef,
    description: 'Feedback given over a range, per document, unit and reason (scope metrics:read).',
    args: {
      businessUnit: t.arg.string({ required: false }),
      documentId: t.arg.string({ required: false }),
      ...seriesArgs,
    },
    resolve: (_root, args, ctx) => {
      const { from, to } = metricsRange(ctx, args);
      return feedbackMetricsOver(ctx.events, ctx.catalog, {
        documentIds: feedbackDocumentIds(ctx.catalog, args),
        from,
        to,
        interval: (args.interval ?? 'week') as FeedbackInterval,
      });
    },
  }),
}));
