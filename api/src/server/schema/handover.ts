/**
 * `handover(businessUnit, since)`: the shift-handover digest of a unit, readable without a
 * token (the portal's handover page on a shop-floor tablet asks for it).
 */
import type {
  ActionChange,
  DocumentChange,
  HandoverDigest,
  HandoverSearchGap,
  KpiTrigger,
  SupersededDocument,
} from '../../handover/handover.ts';
import type { HandoverPrompt } from '../../handover/handover-prompt.ts';
import { composeHandover, resolveUnit } from '../../handover/handover-service.ts';
import { DEFAULT_SINCE, MAX_WINDOW_DAYS, parseWindow, WindowError } from '../../handover/handover-window.ts';
import type { CommitSummary } from '../../handover/window-changes.ts';
import { hanseiError } from '../errors.ts';
import { builder } from './builder.ts';
import { ActionStatusEnum, BusinessUnitRef, DocumentKindEnum, DocumentRef, DocumentStatusEnum } from './refs.ts';

const iso = (value: string) => new Date(value).toISOString();

const CommitRef = builder.objectRef<CommitSummary>('HandoverCommit').implement({
  fields: (t) => ({
    sha: t.exposeString('sha'),
    date: t.field({ type: 'DateTime', resolve: (c) => iso(c.date) }),
    author: t.exposeString('author'),
    message: t.exposeString('message'),
  }),
});

const ChangeRef = builder.objectRef<DocumentChange>('HandoverDocumentChange').implement({
  description: 'A document that changed in the window, with what git says about it.',
  fields: (t) => ({
    documentId: t.exposeString('documentId'),
    document: t.field({
      type: DocumentRef,
      nullable: true,
      resolve: (c, _a, ctx) => ctx.catalog.documents.get(c.documentId),
    }),
    kind: t.field({ type: DocumentKindEnum, resolve: (c) => c.kind }),
    title: t.exposeString('title'),
    path: t.exposeString('path'),
    previousPath: t.exposeString('previousPath', { nullable: true }),
    statusBefore: t.field({ type: DocumentStatusEnum, nullable: true, resolve: (c) => c.statusBefore }),
    statusAfter: t.field({ type: DocumentStatusEnum, nullable: true, resolve: (c) => c.statusAfter }),
    linesAdded: t.exposeInt('linesAdded'),
    linesRemoved: t.exposeInt('linesRemoved'),
    sectionsChanged: t.exposeStringList('sectionsChanged'),
    summary: t.exposeString('summary', { description: 'Lines, sections, status and moves, in one line.' }),
    commits: t.field({ type: [CommitRef], description: 'Newest first, at most five.', resolve: (c) => c.commits }),
    commitCount: t.exposeInt('commitCount'),
  }),
});

const DocumentNameRef = builder
  .objectRef<{ documentId: string; title: string }>('HandoverDocumentName')
  .implement({ fields: (t) => ({ documentId: t.exposeString('documentId'), title: t.exposeString('title') }) });

const SupersededRef = builder.objectRef<SupersededDocument>('HandoverSuperseded').implement({
  fields: (t) => ({
    documentId: t.exposeString('documentId'),
    kind: t.field({ type: DocumentKindEnum, resolve: (s) => s.kind }),
    title: t.exposeString('title'),
    replacedBy: t.field({ type: [DocumentNameRef], resolve: (s) => s.replacedBy }),
  }),
});

const ActionRef = builder.objectRef<ActionChange>('HandoverAction').implement({
  fields: (t) => ({
    rcaId: t.exposeString('rcaId'),
    rcaTitle: t.exposeString('rcaTitle'),
    actionId: t.exposeString('actionId'),
    owner: t.exposeString('owner'),
    ownerName: t.exposeString('ownerName'),
    due: t.field({ type: 'Date', resolve: (a) => a.due }),
    status: t.field({ type: ActionStatusEnum, resolve: (a) => a.status as 'open' }),
    text: t.exposeString('text'),
  }),
});

const GapRef = builder.objectRef<HandoverSearchGap>('HandoverSearchGap').implement({
  fields: (t) => ({
    query: t.exposeString('query'),
    count: t.exposeInt('count', { description: 'Searches for it that found nothing or only weak matches.' }),
    reported: t.exposeInt('reported', { description: 'Times someone told the steward it found nothing useful.' }),
    lastSeen: t.field({ type: 'DateTime', resolve: (g) => iso(g.lastSeen) }),
  }),
});

const KpiTriggerRef = builder.objectRef<KpiTrigger>('HandoverKpiTrigger').implement({
  description: 'A KPI of the unit that went amber or red in the window.',
  fields: (t) => ({
    kpiId: t.exposeString('kpiId'),
    label: t.exposeString('label', { description: 'The KPI and its line.' }),
    status: t.exposeString('status', { description: '"amber" or "red".' }),
    at: t.field({ type: 'DateTime', description: 'When the reading crossed the threshold.', resolve: (k) => k.at }),
    message: t.exposeString('message', { description: 'Which rule fired, in plain words.' }),
  }),
});

const PromptRef = builder.objectRef<HandoverPrompt>('HandoverPrompt').implement({
  description: 'One reflection prompt to discuss, from an SOP tied to what changed.',
  fields: (t) => ({
    sopId: t.exposeString('sopId'),
    sopTitle: t.exposeString('sopTitle'),
    step: t.exposeString('step', { nullable: true }),
    text: t.exposeString('text'),
    minutes: t.exposeInt('minutes', { nullable: true }),
    huddleMinutes: t.exposeInt('huddleMinutes', { nullable: true }),
    reason: t.exposeString('reason', { description: 'Why this SOP: what changed that ties it to the window.' }),
  }),
});

const SourcesRef = builder.objectRef<HandoverDigest['sources']>('HandoverSources').implement({
  fields: (t) => ({
    git: t.exposeBoolean('git', { description: 'Document changes were read from git.' }),
    events: t.exposeBoolean('events', { description: 'Searches were read from the events store.' }),
  }),
});

const HandoverRef = builder.objectRef<HandoverDigest>('Handover').implement({
  description: "What changed in a business unit's knowledge in a window: for the shift that takes over.",
  fields: (t) => ({
    businessUnit: t.field({
      type: BusinessUnitRef,
      nullable: true,
      resolve: (h, _a, ctx) => ctx.catalog.terms.businessUnit.get(h.businessUnit.id),
    }),
    since: t.field({ type: 'DateTime', description: 'Start of the window (exclusive).', resolve: (h) => h.since }),
    until: t.field({ type: 'DateTime', resolve: (h) => h.until }),
    fromCommit: t.exposeString('fromCommit', { nullable: true }),
    toCommit: t.exposeString('toCommit', { nullable: true }),
    sources: t.field({ type: SourcesRef, resolve: (h) => h.sources }),
    added: t.field({ type: [ChangeRef], resolve: (h) => h.added }),
    changed: t.field({ type: [ChangeRef], description: 'Edited or moved.', resolve: (h) => h.changed }),
    deprecated: t.field({ type: [ChangeRef], resolve: (h) => h.deprecated }),
    superseded: t.field({ type: [SupersededRef], resolve: (h) => h.superseded }),
    removed: t.field({ type: [ChangeRef], resolve: (h) => h.removed }),
    actionsOpened: t.field({ type: [ActionRef], resolve: (h) => h.actionsOpened }),
    actionsClosed: t.field({ type: [ActionRef], resolve: (h) => h.actionsClosed }),
    actionsOverdue: t.field({
      type: [ActionRef],
      description: 'Went overdue in the window.',
      resolve: (h) => h.actionsOverdue,
    }),
    searchGaps: t.field({ type: [GapRef], resolve: (h) => h.searchGaps }),
    kpiTriggers: t.field({
      type: [KpiTriggerRef],
      nullable: true,
      description: 'KPIs that went amber or red in the window; null when no KPI is defined or no events store exists.',
      resolve: (h) => h.kpiTriggers ?? null,
    }),
    prompt: t.field({ type: PromptRef, nullable: true, resolve: (h) => h.prompt }),
    quiet: t.exposeBoolean('quiet', { description: 'Nothing at all happened in the window.' }),
  }),
});

builder.queryFields((t) => ({
  handover: t.field({
    type: HandoverRef,
    nullable: true,
    description: `The shift-handover digest of a business unit (id, name or alias), null when there is no such unit.`,
    args: {
      businessUnit: t.arg.string({ required: true }),
      since: t.arg.string({
        defaultValue: DEFAULT_SINCE,
        description: `A duration back from until (90m, 12h, 3d, 1w) or an instant; at most ${MAX_WINDOW_DAYS} days.`,
      }),
      until: t.arg({ type: 'DateTime', required: false, description: 'End of the window (default: now).' }),
    },
    complexity: 20,
    resolve: async (_root, args, ctx) => {
      let window: ReturnType<typeof parseWindow>;
      try {
        window = parseWindow(args.since ?? undefined, args.until ? new Date(args.until) : ctx.now);
      } catch (error) {
        if (error instanceof WindowError) throw hanseiError('BAD_USER_INPUT', error.message);
        throw error;
      }
      const unit = resolveUnit(ctx.catalog, args.businessUnit.slice(0, 200));
      if (!unit) return null;
      return (
        (await composeHandover(
          { index: ctx.index, catalog: ctx.catalog, events: ctx.events, history: ctx.history },
          unit.id,
          window,
        )) ?? null
      );
    },
  }),
}));
