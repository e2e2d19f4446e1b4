/**
 * KPIs as code and their red-amber-green status: `kpis`, `kpi` and `kpiStatus(businessUnit,
 * kpi)` — the status of each series with why (the rules that fired, on which readings),
 * the trend, the open learning trigger and the knowledge that applies.
 */
import { describeRules, scopesOf } from '../../kpi/rules.ts';
import { knowledgeFor, kpiNamed, kpisOfUnit, unitNamed, unitStatus } from '../data/kpi.ts';
import { hanseiError } from '../errors.ts';
import { builder } from './builder.ts';
import {
  ApplicableKnowledgeRef,
  KpiDirectionEnum,
  KpiLevelEnum,
  KpiReadingRef,
  KpiRef,
  KpiRuleEnum,
  KpiRuleHitRef,
  KpiSeriesRef,
  KpiStatusEnum,
  KpiStatusRef,
  KpiTrendEnum,
  LearningTriggerRef,
} from './kpi-refs.ts';
import { BusinessUnitRef, EquipmentRef, FailureModeRef, PersonRef, ProcessRef } from './refs.ts';
import { listLimit } from './scalars.ts';

KpiRef.implement({
  description: 'A key performance indicator with red-amber-green thresholds, defined in content/taxonomy/kpis.yaml.',
  fields: (t) => ({
    kpiId: t.exposeString('id'),
    label: t.exposeString('label'),
    description: t.string({ nullable: true, resolve: (k) => k.description ?? null }),
    aliases: t.exposeStringList('aliases'),
    unit: t.exposeString('unit', { description: 'Unit of measure, e.g. %, ppm, min.' }),
    direction: t.field({ type: KpiDirectionEnum, resolve: (k) => k.direction }),
    target: t.exposeFloat('target', { description: 'Default target; a unit or line may differ (see series).' }),
    amber: t.exposeFloat('amber'),
    red: t.exposeFloat('red'),
    min: t.float({ nullable: true, resolve: (k) => k.min ?? null }),
    max: t.float({ nullable: true, resolve: (k) => k.max ?? null }),
    redPoints: t.int({
      description: 'Readings in a row beyond red that make it red.',
      resolve: (k) => k.escalation.red_points,
    }),
    ambersToRed: t.int({
      description: 'Readings in a row at amber or worse that make it red (0: off).',
      resolve: (k) => k.escalation.ambers_to_red,
    }),
    worseningTrend: t.int({
      description: 'Readings in a row, each worse, that make it amber (0: off).',
      resolve: (k) => k.escalation.worsening_trend,
    }),
    deprecated: t.exposeBoolean('deprecated'),
    owner: t.field({ type: PersonRef, nullable: true, resolve: (k, _a, ctx) => ctx.catalog.terms.person.get(k.owner) }),
    failureModes: t.field({
      type: [FailureModeRef],
      description: 'Failure modes it watches (their children too).',
      resolve: (k, _a, ctx) => k.watches.failure_modes.flatMap((id) => ctx.catalog.terms.failureMode.get(id) ?? []),
    }),
    processes: t.field({
      type: [ProcessRef],
      resolve: (k, _a, ctx) => k.watches.processes.flatMap((id) => ctx.catalog.terms.process.get(id) ?? []),
    }),
    equipment: t.field({
      type: [EquipmentRef],
      resolve: (k, _a, ctx) => k.watches.equipment.flatMap((id) => ctx.catalog.terms.equipment.get(id) ?? []),
    }),
    series: t.field({
      type: [KpiSeriesRef],
      description: 'Where it is read: each unit and line, with the thresholds that apply there.',
      args: { businessUnit: t.arg.string({ required: false }) },
      resolve: (k, args) => {
        const units = args.businessUnit ? [args.businessUnit] : [...new Set(k.measured_in.map((s) => s.business_unit))];
        return units.flatMap((unit) => scopesOf(k, unit).map((scope) => ({ kpi: k, scope })));
      },
    }),
  }),
});

KpiSeriesRef.implement({
  description: 'A KPI in one business unit (and line), with the thresholds that apply there.',
  fields: (t) => ({
    businessUnitId: t.string({ resolve: (s) => s.scope.businessUnit }),
    businessUnit: t.field({
      type: BusinessUnitRef,
      nullable: true,
      resolve: (s, _a, ctx) => ctx.catalog.terms.businessUnit.get(s.scope.businessUnit),
    }),
    line: t.string({
      nullable: true,
      description: 'Null when the unit reports one value.',
      resolve: (s) => s.scope.line,
    }),
    target: t.float({ resolve: (s) => s.scope.thresholds.target }),
    amber: t.float({ resolve: (s) => s.scope.thresholds.amber }),
    red: t.float({ resolve: (s) => s.scope.thresholds.red }),
    rules: t.stringList({
      description: 'The thresholds and escalation rules in plain words.',
      resolve: (s) => describeRules(s.kpi, s.scope.thresholds),
    }),
  }),
});

KpiReadingRef.implement({
  fields: (t) => ({
    clientId: t.exposeString('clientId'),
    value: t.exposeFloat('value'),
    measuredAt: t.field({ type: 'DateTime', resolve: (r) => r.measuredAt }),
  }),
});

KpiRuleHitRef.implement({
  description: 'An escalation rule that fired on the latest reading, and the readings it fired on.',
  fields: (t) => ({
    rule: t.field({ type: KpiRuleEnum, resolve: (h) => h.rule }),
    level: t.field({ type: KpiLevelEnum, resolve: (h) => h.level }),
    message: t.exposeString('message'),
    readings: t.field({ type: [KpiReadingRef], resolve: (h) => h.readings }),
  }),
});

KpiStatusRef.implement({
  description: 'The red-amber-green status of a KPI in a unit (and line), with why.',
  fields: (t) => ({
    kpi: t.field({ type: KpiRef, resolve: (s) => s.kpi }),
    series: t.field({ type: KpiSeriesRef, resolve: (s) => ({ kpi: s.kpi, scope: s.scope }) }),
    line: t.string({ nullable: true, resolve: (s) => s.scope.line }),
    status: t.field({ type: KpiStatusEnum, resolve: (s) => s.evaluation?.level ?? 'no_data' }),
    why: t.field({
      type: [KpiRuleHitRef],
      complexity: { field: 1, multiplier: 1 },
      description: 'Every rule that fired on the latest reading; empty when green.',
      resolve: (s) => s.evaluation?.hits ?? [],
    }),
    trend: t.field({ type: KpiTrendEnum, resolve: (s) => s.trend.direction }),
    trendSlope: t.float({ description: 'Change per reading over the last readings.', resolve: (s) => s.trend.slope }),
    latest: t.field({ type: KpiReadingRef, nullable: true, resolve: (s) => s.readings.at(-1) ?? null }),
    readings: t.field({
      type: [KpiReadingRef],
      complexity: { field: 1, multiplier: 1 },
      description: 'The latest readings, oldest first (at most 20).',
      args: { last: t.arg.int({ defaultValue: 10 }) },
      resolve: (s, args) => s.readings.slice(-Math.min(Math.max(args.last ?? 10, 0), 20)),
    }),
    openTrigger: t.field({
      type: LearningTriggerRef,
      nullable: true,
      description: 'The learning trigger still open for this series (the highest escalation).',
      resolve: (s) => s.openTrigger,
    }),
    knowledge: t.field({
      type: [ApplicableKnowledgeRef],
      complexity: { field: 5, multiplier: 2 },
      description: 'Lessons and SOPs for what the KPI watches, ranked like search: discuss them at the next huddle.',
      args: { first: t.arg.int({ defaultValue: 10 }) },
      resolve: async (s, args, ctx) =>
        knowledgeFor(ctx.catalog, await ctx.reuseScores(), s.kpi, s.scope.businessUnit, listLimit(args.first)).flatMap(
          (item) => {
            const document = ctx.catalog.documents.get(item.id);
            return document ? [{ document, score: item.score, reasons: item.reasons }] : [];
          },
        ),
    }),
  }),
});

builder.queryFields((t) => ({
  kpis: t.field({
    type: [KpiRef],
    description: 'KPIs from kpis.yaml; with businessUnit, those measured there.',
    args: { businessUnit: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) =>
      args.businessUnit
        ? kpisOfUnit(ctx.catalog, unitNamed(ctx.catalog, args.businessUnit))
        : [...ctx.catalog.kpis.values()],
  }),
  kpi: t.field({
    type: KpiRef,
    nullable: true,
    args: { id: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => (args.id.length > 120 ? null : (ctx.catalog.kpis.get(args.id) ?? null)),
  }),
  kpiStatus: t.field({
    type: [KpiStatusRef],
    description:
      'Red-amber-green status of each KPI series of a business unit (one KPI when given): why, the trend, the open learning trigger and the knowledge that applies.',
    args: { businessUnit: t.arg.string({ required: true }), kpi: t.arg.string({ required: false }) },
    complexity: { field: 10, multiplier: 2 },
    resolve: async (_root, args, ctx) => {
      const unit = unitNamed(ctx.catalog, args.businessUnit);
      if (args.kpi) {
        const kpi = kpiNamed(ctx.catalog, args.kpi);
        if (scopesOf(kpi, unit).length === 0)
          throw hanseiError('BAD_USER_INPUT', `KPI ${kpi.id} is not measured in ${unit}`);
      }
      return unitStatus(ctx.events, ctx.catalog, unit, args.kpi ?? undefined);
    },
  }),
}));
