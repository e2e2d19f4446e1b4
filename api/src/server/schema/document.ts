/**
 * Documents: the `Document` interface, its three kinds, the typed citation graph, review
 * state, and the `document` / `documents` entry points.
 */
import type { LessonFrontMatter, RcaFrontMatter, SopFrontMatter } from '../../content/schema.ts';
import type { Cause, Prompt } from '../../content/structure.ts';
import type { LinkType } from '../../index/document-rows.ts';
import type { Version } from '../../index/history.ts';
import { reviewState } from '../../review/review-state.ts';
import { isActionOverdue, isOpenAction, rcasOfLesson } from '../../review/staleness.ts';
import type { Context } from '../context.ts';
import type { DocumentRecord } from '../data/catalog.ts';
import { policyOf } from '../data/catalog.ts';
import { matchesFilter } from '../data/document-filter.ts';
import { builder } from './builder.ts';
import {
  ActionStatusEnum,
  BusinessUnitRef,
  CorrectiveActionRef,
  DocumentKindEnum,
  DocumentRef,
  DocumentStatusEnum,
  EquipmentRef,
  FailureModeRef,
  LessonRef,
  PersonRef,
  ProcessRef,
  RcaRef,
  SeverityEnum,
  SopRef,
} from './refs.ts';
import { listConnection, listLimit } from './scalars.ts';

/** Documents linked to `id` by `type`, outgoing or incoming, that are in the index. */
export function linked(ctx: Context, id: string, type: LinkType, direction: 'from' | 'to'): DocumentRecord[] {
  const links = (direction === 'from' ? ctx.catalog.linksFrom : ctx.catalog.linksTo).get(id) ?? [];
  const ids = links
    .filter((link) => link.type === type)
    .map((link) => (direction === 'from' ? link.target : link.source));
  return [...new Set(ids)].flatMap((other) => ctx.catalog.documents.get(other) ?? []);
}

const ReviewStatusEnum = builder.enumType('ReviewStatus', {
  values: { OK: { value: 'ok' }, DUE_SOON: { value: 'due_soon' }, OVERDUE: { value: 'overdue' } } as const,
});

const ReviewStateRef = builder.objectRef<ReturnType<typeof reviewState>>('ReviewState').implement({
  description: 'Whether the document is due for verification, from the last review and the review interval.',
  fields: (t) => ({
    status: t.field({ type: ReviewStatusEnum, resolve: (s) => s.status }),
    nextReview: t.field({ type: 'Date', resolve: (s) => s.nextReview }),
    lastVerified: t.field({ type: 'Date', description: 'Last review, else creation.', resolve: (s) => s.since }),
    interval: t.exposeString('interval', { description: 'Review interval, e.g. 6mo.' }),
  }),
});

const VersionRef = builder.objectRef<Omit<Version, 'documentId'>>('Version').implement({
  description: 'A commit that changed the document (renames followed).',
  fields: (t) => ({
    sha: t.exposeString('sha'),
    path: t.exposeString('path'),
    change: t.exposeString('change', { description: 'added, modified or renamed' }),
    authorName: t.exposeString('authorName'),
    date: t.field({ type: 'DateTime', resolve: (v) => new Date(v.date).toISOString() }),
    message: t.exposeString('message'),
  }),
});

const ReviewRef = builder.objectRef<{ on: string; by: string }>('Review').implement({
  fields: (t) => ({
    on: t.field({ type: 'Date', resolve: (r) => r.on }),
    by: t.field({ type: PersonRef, nullable: true, resolve: (r, _args, ctx) => ctx.catalog.terms.person.get(r.by) }),
  }),
});

const terms = (ctx: Context, dimension: 'process' | 'failureMode' | 'equipment', ids: string[]) =>
  ids.flatMap((id) => ctx.catalog.terms[dimension].get(id) ?? []);

DocumentRef.implement({
  description: 'A lesson learned, an SOP or a root-cause analysis.',
  interfaces: [builder.nodeInterfaceRef()],
  resolveType: (document) => ({ lesson: 'Lesson', sop: 'Sop', rca: 'RootCauseAnalysis' })[document.kind],
  fields: (t) => ({
    documentId: t.exposeString('id', { description: 'The stable id stewards use, e.g. LL-0007.' }),
    kind: t.field({ type: DocumentKindEnum, resolve: (d) => d.kind }),
    title: t.exposeString('title'),
    summary: t.exposeString('summary'),
    status: t.field({ type: DocumentStatusEnum, resolve: (d) => d.status }),
    severity: t.field({ type: SeverityEnum, nullable: true, resolve: (d) => d.frontMatter.severity ?? null }),
    path: t.exposeString('path', { description: 'Path of the MDX file under content/.' }),
    tags: t.stringList({ resolve: (d) => d.frontMatter.tags }),
    created: t.field({ type: 'Date', resolve: (d) => d.created }),
    reviewed: t.field({ type: ReviewRef, nullable: true, resolve: (d) => d.frontMatter.reviewed ?? null }),
    businessUnit: t.field({
      type: BusinessUnitRef,
      nullable: true,
      resolve: (d, _a, ctx) => ctx.catalog.terms.businessUnit.get(d.businessUnit),
    }),
    owner: t.field({ type: PersonRef, nullable: true, resolve: (d, _a, ctx) => ctx.catalog.terms.person.get(d.owner) }),
    authors: t.field({
      type: [PersonRef],
      resolve: (d, _a, ctx) => d.frontMatter.authors.flatMap((id) => ctx.catalog.terms.person.get(id) ?? []),
    }),
    processes: t.field({ type: [ProcessRef], resolve: (d, _a, ctx) => terms(ctx, 'process', d.direct.process) }),
    failureModes: t.field({
      type: [FailureModeRef],
      resolve: (d, _a, ctx) => terms(ctx, 'failureMode', d.direct.failureMode),
    }),
    equipment: t.field({ type: [EquipmentRef], resolve: (d, _a, ctx) => terms(ctx, 'equipment', d.direct.equipment) }),
    excerpt: t.string({
      description: 'The start of the rendered text, cut at a word boundary.',
      args: { length: t.arg.int({ defaultValue: 280 }) },
      resolve: async (d, args, ctx) =>
        excerpt(await ctx.loaders.text.load(d.id), Math.min(Math.max(args.length ?? 280, 20), 2000)),
    }),
    versions: t.field({
      type: [VersionRef],
      description: 'Commits that changed the document, newest first.',
      args: { first: t.arg.int({ defaultValue: 20 }) },
      resolve: async (d, args, ctx) => (await ctx.loaders.versions.load(d.id)).slice(0, listLimit(args.first, 20)),
    }),
    reviewState: t.field({
      type: ReviewStateRef,
      resolve: (d, _a, ctx) => reviewState(d.frontMatter, policyOf(ctx.catalog, d.businessUnit), ctx.today),
    }),
    cites: t.field({
      type: [DocumentRef],
      description: 'Documents this one links to in its text.',
      resolve: (d, _a, ctx) => linked(ctx, d.id, 'cites', 'from'),
    }),
    citedBy: t.field({
      type: [DocumentRef],
      description: 'Documents that link to this one.',
      resolve: (d, _a, ctx) => linked(ctx, d.id, 'cites', 'to'),
    }),
    supersedes: t.field({ type: [DocumentRef], resolve: (d, _a, ctx) => linked(ctx, d.id, 'supersedes', 'from') }),
    supersededBy: t.field({ type: [DocumentRef], resolve: (d, _a, ctx) => linked(ctx, d.id, 'supersedes', 'to') }),
    related: t.field({
      type: [DocumentRef],
      description: 'Related documents, whichever side declared the relation.',
      resolve: (d, _a, ctx) => [
        ...new Set([...linked(ctx, d.id, 'related', 'from'), ...linked(ctx, d.id, 'related', 'to')]),
      ],
    }),
  }),
});

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
      resolve: (d, _a, ctx) => linked(ctx, d.id, 'source_rca', 'from')[0] ?? null,
    }),
    appliedIn: t.field({
      type: [SopRef],
      description: 'SOPs changed because of this lesson.',
      resolve: (d, _a, ctx) => linked(ctx, d.id, 'applied_in', 'from'),
    }),
    provisional: t.boolean({
      description: 'True while an RCA this lesson came from still has open corrective actions (as in `hansei review`).',
      resolve: (d, _a, ctx) => isProvisional(ctx, d),
    }),
  }),
});

/** True while an RCA a lesson came from still has open corrective actions. */
export async function isProvisional(ctx: Context, d: DocumentRecord): Promise<boolean> {
  if (d.kind !== 'lesson') return false;
  const listedBy = linked(ctx, d.id, 'lessons', 'to').map((rca) => rca.id);
  const rcas = rcasOfLesson((d.frontMatter as LessonFrontMatter).source_rca, listedBy);
  const known = rcas.filter((id) => ctx.catalog.documents.has(id));
  const actions = await Promise.all(known.map((id) => ctx.loaders.actions.load(id)));
  return actions.some((list) => list.some(isOpenAction));
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
      resolve: (d, _a, ctx) => linked(ctx, d.id, 'applied_in', 'to'),
    }),
  }),
});

const RcaMethodEnum = builder.enumType('RcaMethod', {
  values: {
    FIVE_WHYS: { value: 'five-whys' },
    FISHBONE: { value: 'fishbone' },
    APOLLO: { value: 'apollo' },
    A3: { value: 'a3' },
    EIGHT_D: { value: '8d' },
  } as const,
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
        (await ctx.loaders.actions.load(d.id)).map((action) => ({ action, documentId: d.id })),
    }),
    lessons: t.field({
      type: [LessonRef],
      description: 'Lessons this analysis produced.',
      resolve: (d, _a, ctx) => linked(ctx, d.id, 'lessons', 'from'),
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
    overdue: t.boolean({ resolve: (a, _args, ctx) => isOverdue(a.action, ctx.today) }),
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

/** Open or in progress, and past its due date. */
export function isOverdue(action: { status: string; due: string }, today: string): boolean {
  return isActionOverdue(action, today);
}

const DocumentFilter = builder.inputType('DocumentFilter', {
  fields: (t) => ({
    kinds: t.field({ type: [DocumentKindEnum], required: false }),
    statuses: t.field({ type: [DocumentStatusEnum], required: false }),
    businessUnits: t.stringList({ required: false }),
    processes: t.stringList({ required: false, description: 'Matches the term and its descendants.' }),
    failureModes: t.stringList({ required: false, description: 'Matches the term and its descendants.' }),
    equipment: t.stringList({ required: false }),
  }),
});

/** The filter argument, as `search` and `documents` use it. */
export type DocumentFilterInput = typeof DocumentFilter.$inferInput;
export { DocumentFilter };

builder.queryFields((t) => ({
  document: t.field({
    type: DocumentRef,
    nullable: true,
    description: 'A document by its stable id (LL-0007); null when there is none.',
    args: { id: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => (args.id.length > 40 ? null : (ctx.catalog.documents.get(args.id) ?? null)),
  }),
  documents: t.connection({
    type: DocumentRef,
    description: 'All documents matching a filter, by id.',
    args: { filter: t.arg({ type: DocumentFilter, required: false }) },
    resolve: (_root, args, ctx) => {
      const list = [...ctx.catalog.documents.values()]
        .filter((d) => matchesFilter(d, args.filter))
        .sort((a, b) => a.id.localeCompare(b.id));
      return listConnection(args, list);
    },
  }),
}));

function excerpt(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length);
  const space = cut.lastIndexOf(' ');
  return `${(space > length * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
