/**
 * The KPI response metric for integrations (scope `metrics:read`): time from a red
 * learning trigger to the first read of a recommended document by the unit, per KPI, by
 * day, week or month of the trigger.
 */
import { listTriggers, triggerReads } from '../../kpi/kpi-store.ts';
import type { Interval } from '../data/events-store.ts';
import { type ResponsePoint, responseSeries } from '../data/kpi.ts';
import { builder } from './builder.ts';
import { requireKpi, requireUnit } from './kpi.ts';
import { KpiRef } from './kpi-refs.ts';
import { IntervalEnum, range, requireScope } from './metrics.ts';

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
      interval: t.arg({ type: IntervalEnum, defaultValue: 'week' }),
      from: t.arg({ type: 'Date', required: false }),
      to: t.arg({ type: 'Date', required: false }),
    },
    resolve: async (_root, args, ctx) => {
      requireScope(ctx, 'metrics:read');
      const unit = requireUnit(ctx, args.businessUnit);
      const kpi = args.kpi ? requireKpi(ctx, args.kpi).id : undefined;
      const { from, to } = range(ctx, args.from, args.to);
      const until = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString();
      const triggers = await listTriggers(ctx.events, {
        businessUnit: unit,
        level: 'red',
        since: `${from}T00:00:00.000Z`,
        until,
        limit: 10_000,
        ...(kpi ? { kpi } : {}),
      });
      const reads = await triggerReads(ctx.events, triggers);
      const kpis = [...new Set(triggers.map((trigger) => trigger.kpi))].sort();
      return kpis.map((kpiId) => ({
        kpiId,
        points: responseSeries(
          triggers.filter((trigger) => trigger.kpi === kpiId),
          reads,
          (args.interval ?? 'week') as Interval,
        ),
      }));
    },
  }),
}));
