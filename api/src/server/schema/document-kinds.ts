/**
 * The three kinds of document — `Lesson`, `Sop`, `RootCauseAnalysis` — with what only
 * they have (source RCA and provisional state, prompts, causes and corrective actions),
 * and the `CorrectiveAction` type. Facts come from `data/document-facts.ts`.
 */
import type { RcaFrontMatter, SopFrontMatter } from '../../content/schema.ts';
import type { Cause, Prompt } from '../../content/structure.ts';
import { actionFact } from '../../model/facts.ts';
import type { Context } from '../context.ts';
import type { DocumentRecord } from '../data/catalog.ts';
import { lessonsOfRca, linked, provisionalOf, rcasOf } from '../data/document-facts.ts';
import { builder } from './builder.ts';
import {
  ActionStatusEnum,
  CorrectiveActionRef,
  DocumentRef,
  LessonRef,
  PersonRef,
  RcaMethodEnum,
  RcaRef,
  SopRef,
} from './refs.ts';

const nodeOf = (kind: DocumentRecord['kind']) => ({
  id: { resolve: (d: DocumentRecord) => d.id },
  loadOne: (id: string, ctx: Context) => {
    const found = ctx.catalog.documents.get(id);
    return found?.kind === kind ? found : null;
  },
  isTypeOf: (value: unknown) => (value as DocumentRecord | undefined)?.kind === kind,
});

builder.node(LessonRef, {
  ...nodeOf('lesson'),
  interfaces: [DocumentRef],
  fields: (t) => ({
    sourceRca: t.field({
      type: RcaRef,
      nullable: true,
      resolve: (d, _a, ctx) => linked(ctx.catalog, d.id, 'source_rca', 'from')[0] ?? null,
    }),
    rcas: t.field({
      type: [RcaRef],
      description:
        'The RCAs this lesson came from: its `sourceRca`, and every RCA listing it (what makes it provisional).',
      resolve: (d, _a, ctx) => rcasOf(ctx.catalog, d).flatMap((id) => ctx.catalog.documents.get(id) ?? []),
    }),
    appliedIn: t.field({
      type: [SopRef],
      description: 'SOPs changed because of this lesson.',
      resolve: (d, _a, ctx) => linked(ctx.catalog, d.id, 'applied_in', 'from'),
    }),
    provisional: t.boolean({
      description: 'True while an RCA this lesson came from still has open corrective actions (as in `hansei review`).',
      resolve: (d, _a, ctx) => isProvisional(ctx, d),
    }),
  }),
});

/** True while an RCA a lesson came from still has open corrective actions (`model/facts.ts`). */
export function isProvisional(ctx: Context, d: DocumentRecord): Promise<boolean> {
  return provisionalOf(ctx.catalog, d, (ids) => ctx.loaders.actions.loadMany(ids).then(settled));
}

/** DataLoader's loadMany answers errors in place: a failed load is thrown, not returned. */
function settled<T>(values: readonly (T | Error)[]): T[] {
  return values.map((value) => {
    if (value instanceof Error) throw value;
    return value;
  });
}

export const PromptRef = builder.objectRef<Prompt>('ReflectionPrompt').implement({
  fields: (t) => ({
    position: t.exposeInt('position'),
    step: t.string({
      nullable: true,
      description: 'Title of the step it belongs to.',
      resolve: (p) => p.step ?? null,
    }),
    text: t.exposeString('text'),
    minutes: t.int({ nullable: true, resolve: (p) => p.minutes ?? null }),
  }),
});

builder.node(SopRef, {
  ...nodeOf('sop'),
  interfaces: [DocumentRef],
  fields: (t) => ({
    huddleMinutes: t.int({ resolve: (d) => (d.frontMatter as SopFrontMatter).huddle_minutes }),
    prompts: t.field({
      type: [PromptRef],
      resolve: async (d, _a, ctx) => await ctx.loaders.prompts.load(d.id),
    }),
    appliedLessons: t.field({
      type: [LessonRef],
      description: 'Lessons that changed this SOP.',
      resolve: (d, _a, ctx) => linked(ctx.catalog, d.id, 'applied_in', 'to'),
    }),
  }),
});

const CauseRef = builder.objectRef<Cause>('Cause').implement({
  description: 'A cause: a 5-Why step, a fishbone cause or an Apollo cause, with its evidence.',
  fields: (t) => ({
    position: t.exposeInt('position'),
    parentPosition: t.int({
      nullable: true,
      description: 'The cause (or Why) this one explains.',
      resolve: (c) => c.parentPosition ?? null,
    }),
    container: t.exposeString('container', {
      description: 'FiveWhys, Fishbone, ApolloChart, Discipline or A3Section.',
    }),
    text: t.exposeString('text'),
    category: t.string({ nullable: true, description: 'Fishbone 6M category.', resolve: (c) => c.category ?? null }),
    type: t.string({ nullable: true, description: 'Apollo: action or condition.', resolve: (c) => c.type ?? null }),
    evidence: t.string({ nullable: true, resolve: (c) => c.evidence ?? null }),
    root: t.exposeBoolean('root'),
  }),
});

builder.node(RcaRef, {
  ...nodeOf('rca'),
  interfaces: [DocumentRef],
  fields: (t) => ({
    method: t.field({ type: RcaMethodEnum, resolve: (d) => (d.frontMatter as RcaFrontMatter).method }),
    incidentDate: t.field({ type: 'Date', resolve: (d) => (d.frontMatter as RcaFrontMatter).incident_date }),
    problemStatement: t.string({ resolve: (d) => (d.frontMatter as RcaFrontMatter).problem_statement }),
    causes: t.field({ type: [CauseRef], resolve: async (d, _a, ctx) => await ctx.loaders.causes.load(d.id) }),
    correctiveActions: t.field({
      type: [CorrectiveActionRef],
      resolve: async (d, _a, ctx) =>
        (await ctx.loaders.actions.load(d.id)).map((action) => ({
          action: actionFact(action, ctx.today),
          documentId: d.id,
        })),
    }),
    lessons: t.field({
      type: [LessonRef],
      description: 'Lessons this analysis produced: listed in its `lessons`, or naming it as their `sourceRca`.',
      resolve: (d, _a, ctx) => lessonsOfRca(ctx.catalog, d.id),
    }),
  }),
});

CorrectiveActionRef.implement({
  description: 'A corrective action of a root-cause analysis, tracked to closure.',
  fields: (t) => ({
    actionId: t.string({ resolve: (a) => a.action.id }),
    text: t.string({ resolve: (a) => a.action.text }),
    status: t.field({ type: ActionStatusEnum, resolve: (a) => a.action.status as 'open' }),
    due: t.field({ type: 'Date', resolve: (a) => a.action.due }),
    closed: t.field({ type: 'Date', nullable: true, resolve: (a) => a.action.closed ?? null }),
    overdue: t.boolean({ resolve: (a) => a.action.overdue }),
    ownerId: t.string({ resolve: (a) => a.action.owner }),
    owner: t.field({
      type: PersonRef,
      nullable: true,
      resolve: (a, _args, ctx) => ctx.catalog.terms.person.get(a.action.owner),
    }),
    analysis: t.field({
      type: RcaRef,
      nullable: true,
      resolve: (a, _args, ctx) => ctx.catalog.documents.get(a.documentId),
    }),
  }),
});
