/**
 * The taxonomy: business units with their stewards and trust score, processes and failure
 * modes as trees, equipment and people — each term with its document count.
 */
import type { Dimension } from '../../content/dimensions.ts';
import { type TrustScore, trustScore } from '../../review/trust-score.ts';
import type { Context } from '../context.ts';
import { documentsUnder, policyOf, type TermRecord } from '../data/catalog.ts';
import { builder } from './builder.ts';
import { DocumentConnection } from './document.ts';
import { BusinessUnitRef, EquipmentRef, FailureModeRef, PersonRef, ProcessRef } from './refs.ts';
import { listConnection } from './scalars.ts';

type TermRef = typeof ProcessRef;

/** Fields every facet term has. */
function termFields(ref: TermRef, dimension: Dimension, describe: string) {
  ref.implement({
    description: describe,
    fields: (t) => ({
      id: t.exposeString('id'),
      label: t.exposeString('label'),
      aliases: t.exposeStringList('aliases', { description: 'Plant jargon and other names; searchable.' }),
      description: t.string({
        nullable: true,
        resolve: (term) => (term.data.description as string | undefined) ?? null,
      }),
      deprecated: t.exposeBoolean('deprecated'),
      replacedBy: t.field({
        type: ref,
        nullable: true,
        resolve: (term, _a, ctx) => (term.replacedBy ? termOf(ctx, dimension, term.replacedBy) : null),
      }),
      documentCount: t.int({
        description: 'Documents tagged with this term or one of its descendants.',
        resolve: (term, _a, ctx) => ctx.catalog.counts[dimension].get(term.id) ?? 0,
      }),
      documents: t.field({
        type: DocumentConnection,
        description: 'Documents tagged with this term or one of its descendants, by id.',
        args: { ...t.arg.connectionArgs() },
        resolve: (term, args, ctx) => listConnection(args, documentsUnder(ctx.catalog, dimension, term.id)),
      }),
    }),
  });
}

function termOf(ctx: Context, dimension: Dimension | 'person', id: string): TermRecord | undefined {
  return ctx.catalog.terms[dimension].get(id);
}

function treeFields(ref: TermRef, dimension: 'process' | 'failureMode') {
  builder.objectFields(ref, (t) => ({
    parent: t.field({
      type: ref,
      nullable: true,
      resolve: (term, _a, ctx) => (term.parentId ? termOf(ctx, dimension, term.parentId) : null),
    }),
    children: t.field({
      type: [ref],
      resolve: (term, _a, ctx) =>
        [...ctx.catalog.terms[dimension].values()].filter((child) => child.parentId === term.id),
    }),
  }));
}

termFields(ProcessRef, 'process', 'A process step; ids are dotted paths, so processes form a tree.');
treeFields(ProcessRef, 'process');
termFields(FailureModeRef, 'failureMode', 'A way things fail, with the jargon operators use for it.');
treeFields(FailureModeRef, 'failureMode');
termFields(EquipmentRef, 'equipment', 'A piece of equipment, by asset tag.');
termFields(BusinessUnitRef, 'businessUnit', 'A business unit and its knowledge stewards.');

builder.objectFields(EquipmentRef, (t) => ({
  type: t.string({ resolve: (term) => String(term.data.type ?? '') }),
  location: t.string({ nullable: true, resolve: (term) => (term.data.location as string | undefined) ?? null }),
  businessUnit: t.field({
    type: BusinessUnitRef,
    nullable: true,
    resolve: (term, _a, ctx) => termOf(ctx, 'businessUnit', String(term.data.business_unit)),
  }),
}));

const ReviewPolicyRef = builder
  .objectRef<{ default: string; by_severity: Record<string, string> }>('ReviewPolicy')
  .implement({
    fields: (t) => ({
      default: t.exposeString('default'),
      critical: t.string({ nullable: true, resolve: (p) => p.by_severity.critical ?? null }),
      high: t.string({ nullable: true, resolve: (p) => p.by_severity.high ?? null }),
      medium: t.string({ nullable: true, resolve: (p) => p.by_severity.medium ?? null }),
      low: t.string({ nullable: true, resolve: (p) => p.by_severity.low ?? null }),
    }),
  });

const TrustScoreRef = builder.objectRef<TrustScore>('TrustScore').implement({
  description: "Share of a unit's approved documents that are within their review SLA.",
  fields: (t) => ({
    score: t.float({
      nullable: true,
      description: 'withinSla / approved, from 0 to 1; null when the unit has no approved documents.',
      resolve: (s) => s.score,
    }),
    approved: t.exposeInt('approved', { description: 'Approved documents of the unit.' }),
    withinSla: t.exposeInt('withinSla', { description: 'Of those, documents whose review is not overdue.' }),
  }),
});

builder.objectFields(BusinessUnitRef, (t) => ({
  trustScore: t.field({
    type: TrustScoreRef,
    description: 'Can a technician rely on what this unit publishes? Computed like `hansei review`.',
    resolve: (unit, _a, ctx) =>
      trustScore(
        unit.id,
        [...ctx.catalog.documents.values()].map((document) => document.frontMatter),
        policyOf(ctx.catalog, unit.id),
        ctx.today,
      ),
  }),
  stewards: t.field({
    type: [PersonRef],
    resolve: (unit, _a, ctx) =>
      ((unit.data.stewards as string[] | undefined) ?? []).flatMap((id) => termOf(ctx, 'person', id) ?? []),
  }),
  reviewPolicy: t.field({
    type: ReviewPolicyRef,
    resolve: (unit) => unit.data.review_policy as { default: string; by_severity: Record<string, string> },
  }),
}));

PersonRef.implement({
  description: 'Someone who writes, owns, verifies or carries out actions.',
  fields: (t) => ({
    id: t.exposeString('id'),
    name: t.exposeString('label'),
    role: t.string({ nullable: true, resolve: (p) => (p.data.role as string | undefined) ?? null }),
    github: t.string({ nullable: true, resolve: (p) => (p.data.github as string | undefined) ?? null }),
    businessUnit: t.field({
      type: BusinessUnitRef,
      nullable: true,
      resolve: (p, _a, ctx) => termOf(ctx, 'businessUnit', String(p.data.business_unit)),
    }),
  }),
});

const list =
  (dimension: Dimension | 'person', rootsOnly = false) =>
  (ctx: Context) =>
    [...ctx.catalog.terms[dimension].values()]
      .filter((term) => !rootsOnly || term.parentId === null)
      .sort((a, b) => a.id.localeCompare(b.id));

builder.queryFields((t) => ({
  businessUnits: t.field({ type: [BusinessUnitRef], resolve: (_r, _a, ctx) => list('businessUnit')(ctx) }),
  processes: t.field({
    type: [ProcessRef],
    args: { rootsOnly: t.arg.boolean({ defaultValue: false, description: 'Only the top of each tree.' }) },
    resolve: (_r, args, ctx) => list('process', args.rootsOnly ?? false)(ctx),
  }),
  failureModes: t.field({
    type: [FailureModeRef],
    args: { rootsOnly: t.arg.boolean({ defaultValue: false }) },
    resolve: (_r, args, ctx) => list('failureMode', args.rootsOnly ?? false)(ctx),
  }),
  equipment: t.field({ type: [EquipmentRef], resolve: (_r, _a, ctx) => list('equipment')(ctx) }),
  people: t.field({ type: [PersonRef], resolve: (_r, _a, ctx) => list('person')(ctx) }),
  businessUnit: t.field({
    type: BusinessUnitRef,
    nullable: true,
    args: { id: t.arg.string({ required: true }) },
    resolve: (_r, a, ctx) => termOf(ctx, 'businessUnit', a.id),
  }),
  process: t.field({
    type: ProcessRef,
    nullable: true,
    args: { id: t.arg.string({ required: true }) },
    resolve: (_r, a, ctx) => termOf(ctx, 'process', a.id),
  }),
  failureMode: t.field({
    type: FailureModeRef,
    nullable: true,
    args: { id: t.arg.string({ required: true }) },
    resolve: (_r, a, ctx) => termOf(ctx, 'failureMode', a.id),
  }),
  equipmentItem: t.field({
    type: EquipmentRef,
    nullable: true,
    args: { id: t.arg.string({ required: true }) },
    resolve: (_r, a, ctx) => termOf(ctx, 'equipment', a.id),
  }),
}));
