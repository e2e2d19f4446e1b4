/**
 * The KPI response metric for integrations (scope `metrics:read`): time from a red
 * learning trigger to the first read of a recommended document by the unit, per KPI, by
 * day, week or month of the trigger.
 */
import type { Interval } from '../data/events-store.ts';
import { kpiNamed, kpiResponse, type ResponsePoint, unitNamed } from '../data/kpi.ts';
import { builder } from './builder.ts';
import { KpiRef } from './kpi-refs.ts';
import { metricsRange, seriesArgs } from './reuse.ts';

const ResponsePointRef = builder.objectRef<ResponsePoint>('KpiResponsePoint').implement({
  fields: (t) => ({
    start: t.field({ type: 'Date', resolve: (p) => p.start }),
    redTriggers: t.int({ resolve: (p) => p.triggers }),
    read: t.int({
      description: 'Red triggers after which a recommended document was read by the unit.',
      resolve: (p) => p.read,
    }),
    medianMinutesToFirstRead: t.float({ nullable: true, resolve: (p) => p.medianMinutes }),
    maxMinutesToFirstRead: t.float({ nullable: true, resolve: (p) => p.maxMinutes }),
  }),
});

const ResponseSeriesRef = builder.objectRef<{ kpiId: string; points: ResponsePoint[] }>('KpiResponseSeries').implement({
  fields: (t) => ({
    kpiId: t.exposeString('kpiId'),
    kpi: t.field({ type: KpiRef, nullable: true, resolve: (s, _a, ctx) => ctx.catalog.kpis.get(s.kpiId) }),
    points: t.field({ type: [ResponsePointRef], resolve: (s) => s.points }),
  }),
});

builder.queryFields((t) => ({
  kpiResponseSeries: t.field({
    type: [ResponseSeriesRef],
    description:
      'Time from a red learning trigger to the first read of a recommended document by the unit, per KPI, by DAY, WEEK or MONTH of the trigger (metrics:read).',
    args: {
      businessUnit: t.arg.string({ required: true }),
      kpi: t.arg.string({ required: false }),
      ...seriesArgs,
    },
    resolve: (_root, args, ctx) => {
      const { from, to } = metricsRange(ctx, args);
      return kpiResponse(ctx.events, {
        businessUnit: unitNamed(ctx.catalog, args.businessUnit),
        kpi: args.kpi ? kpiNamed(ctx.catalog, args.kpi).id : undefined,
        from,
        to,
        interval: (args.interval ?? 'week') as Interval,
      });
    },
  }),
}));
