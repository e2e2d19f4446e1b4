/**
 * Learning triggers: a KPI series escalating to amber or red, what was recommended to read,
 * and whether the unit read it afterwards (`reads`, scope `metrics:read`): "was anything
 * read after the line went red?". Plus the knowledge items they recommend.
 */
import DataLoader from 'dataloader';
import { type LearningTrigger, listTriggers, type TriggerRead, triggerReads } from '../../kpi/kpi-store.ts';
import { requireScope } from '../auth.ts';
import type { Context } from '../context.ts';
import { knowledgeFor, kpiNamed, minutesToFirstRead, unitNamed } from '../data/kpi.ts';
import { builder } from './builder.ts';
import { isProvisional, PromptRef } from './document-kinds.ts';
import {
  ApplicableKnowledgeRef,
  KpiLevelEnum,
  KpiReadingRef,
  KpiRef,
  KpiRuleEnum,
  LearningTriggerRef,
  TriggerReadKindEnum,
  TriggerReadRef,
} from './kpi-refs.ts';
import { BusinessUnitRef, DocumentRef } from './refs.ts';
import { listLimit } from './scalars.ts';

ApplicableKnowledgeRef.implement({
  description: 'A lesson or SOP that applies to a deviating KPI, ranked by the same factors as search.',
  fields: (t) => ({
    document: t.field({ type: DocumentRef, resolve: (k) => k.document }),
    score: t.exposeFloat('score'),
    reasons: t.exposeStringList('reasons', { description: 'What it shares with what the KPI watches.' }),
    provisional: t.boolean({
      description: 'A lesson whose RCA still has open corrective actions: its fix is not proven yet.',
      resolve: (k, _a, ctx) => isProvisional(ctx, k.document),
    }),
    prompts: t.field({
      type: [PromptRef],
      complexity: { field: 1, multiplier: 1 },
      description: "An SOP's reflection prompts, for the huddle; empty for lessons.",
      resolve: async (k, _a, ctx) => (k.document.kind === 'sop' ? await ctx.loaders.prompts.load(k.document.id) : []),
    }),
  }),
});

const readLoaders = new WeakMap<Context, DataLoader<LearningTrigger, TriggerRead[], number>>();

/** Reads of recommended documents per trigger, batched per request. */
function readsOf(ctx: Context, trigger: LearningTrigger): Promise<TriggerRead[]> {
  let loader = readLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(
      async (triggers: readonly LearningTrigger[]) => {
        const reads = await triggerReads(ctx.events, triggers);
        return triggers.map((item) => reads.get(item.id) ?? []);
      },
      { cacheKeyFn: (item) => item.id, maxBatchSize: 100 },
    );
    readLoaders.set(ctx, loader);
  }
  return loader.load(trigger);
}

LearningTriggerRef.implement({
  description: 'A KPI series escalated to amber or red: what fired, what to read, and (metrics:read) what was read.',
  fields: (t) => ({
    triggerId: t.exposeInt('id'),
    kpiId: t.exposeString('kpi'),
    kpi: t.field({ type: KpiRef, nullable: true, resolve: (g, _a, ctx) => ctx.catalog.kpis.get(g.kpi) }),
    businessUnitId: t.exposeString('businessUnit'),
    businessUnit: t.field({
      type: BusinessUnitRef,
      nullable: true,
      resolve: (g, _a, ctx) => ctx.catalog.terms.businessUnit.get(g.businessUnit),
    }),
    line: t.string({ nullable: true, resolve: (g) => g.line }),
    level: t.field({ type: KpiLevelEnum, resolve: (g) => g.level }),
    previousLevel: t.field({ type: KpiLevelEnum, resolve: (g) => g.previousLevel }),
    openedAt: t.field({
      type: 'DateTime',
      description: 'When the escalating reading was measured.',
      resolve: (g) => g.openedAt,
    }),
    closedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the series was next green; null while open.',
      resolve: (g) => g.closedAt,
    }),
    rule: t.field({ type: KpiRuleEnum, resolve: (g) => g.rule }),
    message: t.exposeString('message'),
    readings: t.field({ type: [KpiReadingRef], complexity: { field: 1, multiplier: 1 }, resolve: (g) => g.readings }),
    recommended: t.field({
      type: [ApplicableKnowledgeRef],
      complexity: { field: 5, multiplier: 2 },
      description: 'The documents recommended when it opened, best first (those still in the index).',
      resolve: async (g, _a, ctx) => {
        const kpi = ctx.catalog.kpis.get(g.kpi);
        const now = kpi ? knowledgeFor(ctx.catalog, await ctx.reuseScores(), kpi, g.businessUnit, 100) : [];
        return g.recommended.flatMap((id) => {
          const document = ctx.catalog.documents.get(id);
          const current = now.find((item) => item.id === id);
          return document ? [{ document, score: current?.score ?? 0, reasons: current?.reasons ?? [] }] : [];
        });
      },
    }),
    reads: t.field({
      type: [TriggerReadRef],
      description:
        'Views, downloads and citations of the recommended documents by this unit while it was open (metrics:read).',
      resolve: (g, _a, ctx) => {
        requireScope(ctx.viewer, 'metrics:read');
        return readsOf(ctx, g);
      },
    }),
    minutesToFirstRead: t.float({
      nullable: true,
      description: 'Minutes from opening to the first read of a recommended document by this unit (metrics:read).',
      resolve: async (g, _a, ctx) => {
        requireScope(ctx.viewer, 'metrics:read');
        return minutesToFirstRead(g, await readsOf(ctx, g));
      },
    }),
  }),
});

TriggerReadRef.implement({
  fields: (t) => ({
    documentId: t.exposeString('documentId'),
    document: t.field({
      type: DocumentRef,
      nullable: true,
      resolve: (r, _a, ctx) => ctx.catalog.documents.get(r.documentId),
    }),
    kind: t.field({ type: TriggerReadKindEnum, resolve: (r) => r.kind }),
    occurredAt: t.field({ type: 'DateTime', resolve: (r) => r.occurredAt }),
  }),
});

builder.queryFields((t) => ({
  learningTriggers: t.field({
    type: [LearningTriggerRef],
    description: 'Learning triggers, newest first: by unit, KPI, level, since when, or only open ones.',
    args: {
      businessUnit: t.arg.string({ required: false }),
      kpi: t.arg.string({ required: false }),
      level: t.arg({ type: KpiLevelEnum, required: false }),
      since: t.arg({ type: 'DateTime', required: false }),
      open: t.arg.boolean({ required: false }),
      first: t.arg.int({ defaultValue: 20 }),
    },
    complexity: { field: 5, multiplier: 1 },
    resolve: (_root, args, ctx) => {
      if (args.level === 'green') return [];
      return listTriggers(ctx.events, {
        ...(args.businessUnit ? { businessUnit: unitNamed(ctx.catalog, args.businessUnit) } : {}),
        ...(args.kpi ? { kpi: kpiNamed(ctx.catalog, args.kpi).id } : {}),
        ...(args.level ? { level: args.level } : {}),
        ...(args.since ? { since: args.since } : {}),
        ...(args.open ? { open: true } : {}),
        limit: listLimit(args.first, 20),
      });
    },
  }),
}));
