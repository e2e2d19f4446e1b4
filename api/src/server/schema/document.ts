/**
 * Documents: the `Document` interface with its metadata, review state and the typed
 * citation graph, and the `document` / `documents` entry points. The three kinds are in
 * `document-kinds.ts`; every derived fact comes from `data/document-facts.ts`.
 */
import type { Version } from '../../git/history.ts';
import type { Context } from '../context.ts';
import { documentExcerpt } from '../data/document-details.ts';
import { linked, relatedOf, replacementsOf, reviewStateOf } from '../data/document-facts.ts';
import { matchesFilter } from '../data/document-filter.ts';
import { builder } from './builder.ts';
import { DocumentFilter } from './document-filter.ts';
import {
  BusinessUnitRef,
  DocumentKindEnum,
  DocumentRef,
  DocumentStatusEnum,
  EquipmentRef,
  FailureModeRef,
  PersonRef,
  ProcessRef,
  ReviewStatusEnum,
  SeverityEnum,
} from './refs.ts';
import { listConnection, listLimit } from './scalars.ts';

const ReviewStateRef = builder.objectRef<ReturnType<typeof reviewStateOf>>('ReviewState').implement({
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

/** A page of documents: `documents` and every taxonomy term's `documents`. */
export const DocumentConnection = builder.connectionObject(
  { type: DocumentRef, name: 'DocumentConnection' },
  { name: 'DocumentEdge' },
);

DocumentRef.implement({
  description: 'A lesson learned, an SOP or a root-cause analysis.',
  interfaces: [builder.nodeInterfaceRef()],
  resolveType: (document) => ({ lesson: 'Lesson', sop: 'Sop', rca: 'RootCauseAnalysis' })[document.kind],
  fields: (t) => ({
    documentId: t.exposeString('id', {
      description:
        'The stable id stewards write and read (LL-0007, SOP-0002, RCA-0010), never reused — what `document(id:)` takes. `id` is the Relay global id, for `node(id:)`.',
    }),
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
        documentExcerpt(await ctx.loaders.text.load(d.id), Math.min(Math.max(args.length ?? 280, 20), 2000)),
    }),
    versions: t.field({
      type: [VersionRef],
      description: 'Commits that changed the document, newest first.',
      args: { first: t.arg.int({ defaultValue: 20 }) },
      resolve: async (d, args, ctx) => (await ctx.loaders.versions.load(d.id)).slice(0, listLimit(args.first, 20)),
    }),
    reviewState: t.field({ type: ReviewStateRef, resolve: (d, _a, ctx) => reviewStateOf(ctx.catalog, d, ctx.today) }),
    cites: t.field({
      type: [DocumentRef],
      description: 'Documents this one links to in its text.',
      resolve: (d, _a, ctx) => linked(ctx.catalog, d.id, 'cites', 'from'),
    }),
    citedBy: t.field({
      type: [DocumentRef],
      description: 'Documents that link to this one.',
      resolve: (d, _a, ctx) => linked(ctx.catalog, d.id, 'cites', 'to'),
    }),
    supersedes: t.field({
      type: [DocumentRef],
      resolve: (d, _a, ctx) => linked(ctx.catalog, d.id, 'supersedes', 'from'),
    }),
    supersededBy: t.field({
      type: [DocumentRef],
      description: 'Documents that declare they supersede this one, whatever their status (see `replacedBy`).',
      resolve: (d, _a, ctx) => linked(ctx.catalog, d.id, 'supersedes', 'to'),
    }),
    replacedBy: t.field({
      type: [DocumentRef],
      description: 'The approved documents that replace this one: empty while it is current.',
      resolve: (d, _a, ctx) => replacementsOf(ctx.catalog, d.id),
    }),
    related: t.field({
      type: [DocumentRef],
      description: 'Related documents, whichever side declared the relation.',
      resolve: (d, _a, ctx) => relatedOf(ctx.catalog, d.id),
    }),
  }),
});

builder.queryFields((t) => ({
  document: t.field({
    type: DocumentRef,
    nullable: true,
    description: 'A document by its stable id (LL-0007); null when there is none.',
    args: { id: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => (args.id.length > 40 ? null : (ctx.catalog.documents.get(args.id) ?? null)),
  }),
  documents: t.connection(
    {
      type: DocumentRef,
      description: 'All documents matching a filter, by id.',
      args: { filter: t.arg({ type: DocumentFilter, required: false }) },
      resolve: (_root, args, ctx) => {
        const list = [...ctx.catalog.documents.values()]
          .filter((d) => matchesFilter(d, args.filter))
          .sort((a, b) => a.id.localeCompare(b.id));
        return listConnection(args, list);
      },
    },
    DocumentConnection,
  ),
}));
