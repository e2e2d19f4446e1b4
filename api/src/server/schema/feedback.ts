/**
 * Frontline feedback: the input a FEEDBACK event carries, stewards' list of it (scope
 * feedback:read), closing an item with its fixing commit (scope feedback:close), and
 * `feedbackUpdates`, which lets a device ask whether its own feedback led to a change.
 */
import { FEEDBACK_ORIGINS, FEEDBACK_REASON_LABELS, FEEDBACK_REASONS } from '../../content/feedback-vocabulary.ts';
import { closeFeedback } from '../../feedback/close-feedback.ts';
import type { FeedbackFix, FeedbackRecord } from '../../feedback/feedback-store.ts';
import { countFeedback, feedbackByClientIds, listFeedback } from '../../feedback/feedback-store.ts';
import { requireScope } from '../auth.ts';
import { documentCommit, feedbackDocumentIds, sectionsOfDocuments } from '../data/feedback.ts';
import { hanseiError } from '../errors.ts';
import { builder } from './builder.ts';
import { DocumentRef, enumOf } from './refs.ts';
import { offsetConnection } from './scalars.ts';

export const FeedbackReasonEnum = enumOf('FeedbackReason', FEEDBACK_REASONS, {
  description: 'Why a document did not help: the tap choices of the question.',
});
export const FeedbackOriginEnum = enumOf('FeedbackOrigin', FEEDBACK_ORIGINS);
const FeedbackStatusEnum = builder.enumType('FeedbackStatus', {
  values: { OPEN: { value: 'open' }, CLOSED: { value: 'closed' }, ALL: { value: 'all' } } as const,
});

export const FeedbackInput = builder.inputType('FeedbackInput', {
  description: 'What a reader said besides "didn\'t help". No personal data is asked for.',
  fields: (t) => ({
    reason: t.field({ type: FeedbackReasonEnum, required: true }),
    origin: t.field({
      type: FeedbackOriginEnum,
      required: false,
      description: '"Didn\'t help" on the document (default) or "suggest a change" on a section.',
    }),
    section: t.string({ required: false, description: "Anchor of the section's heading, e.g. swap-the-battery." }),
    text: t.string({ required: false, description: 'In their own words, at most 300 characters.' }),
  }),
});

const FeedbackFixRef = builder.objectRef<FeedbackFix>('FeedbackFix').implement({
  description: 'The commit a steward linked as the change that answered the feedback.',
  fields: (t) => ({
    commit: t.exposeString('commit'),
    date: t.field({ type: 'DateTime', resolve: (f) => new Date(f.date).toISOString() }),
    message: t.exposeString('message'),
    closedAt: t.field({ type: 'DateTime', resolve: (f) => f.closedAt }),
    closedBy: t.exposeString('closedBy'),
    note: t.exposeString('note', { nullable: true }),
  }),
});

const FeedbackSectionRef = builder
  .objectRef<{ anchor: string; title: string; missing: boolean }>('FeedbackSection')
  .implement({
    fields: (t) => ({
      anchor: t.exposeString('anchor'),
      title: t.exposeString('title', { description: 'The heading; the anchor itself when the section is gone.' }),
      missing: t.exposeBoolean('missing', { description: 'No section of the current document has this anchor.' }),
    }),
  });

const FeedbackRef = builder.objectRef<FeedbackRecord>('Feedback').implement({
  description: 'One piece of frontline feedback, for the steward of its document.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'FB-<number>, the id stewards close it by.' }),
    documentId: t.exposeString('documentId'),
    document: t.field({
      type: DocumentRef,
      nullable: true,
      resolve: (f, _args, ctx) => ctx.catalog.documents.get(f.documentId),
    }),
    reason: t.field({ type: FeedbackReasonEnum, resolve: (f) => f.reason }),
    reasonLabel: t.string({ resolve: (f) => FEEDBACK_REASON_LABELS[f.reason] }),
    origin: t.field({ type: FeedbackOriginEnum, resolve: (f) => f.origin }),
    section: t.field({
      type: FeedbackSectionRef,
      nullable: true,
      description: 'Null when the feedback is about the whole document.',
      resolve: async (f, _args, ctx) => {
        if (f.section === null) return null;
        const key = `sections:${f.documentId}`;
        let pending = ctx.memo.get(key) as ReturnType<typeof sectionsOfDocuments> | undefined;
        if (!pending) {
          pending = sectionsOfDocuments(ctx.index, [f.documentId]);
          ctx.memo.set(key, pending);
        }
        const title = (await pending).get(f.documentId)?.find((section) => section.anchor === f.section)?.title;
        return { anchor: f.section, title: title ?? f.section, missing: title === undefined };
      },
    }),
    text: t.exposeString('text', { nullable: true }),
    occurredAt: t.field({ type: 'DateTime', resolve: (f) => f.occurredAt }),
    fix: t.field({ type: FeedbackFixRef, nullable: true, resolve: (f) => f.fix }),
  }),
});

const FeedbackUpdateRef = builder.objectRef<FeedbackRecord>('FeedbackUpdate').implement({
  description: "A device's own feedback and, once a steward linked one, the change that answered it.",
  fields: (t) => ({
    clientId: t.exposeString('clientId'),
    documentId: t.exposeString('documentId'),
    section: t.exposeString('section', { nullable: true }),
    fixed: t.boolean({ resolve: (f) => f.fix !== null }),
    fixedAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (f) => (f.fix ? new Date(f.fix.date).toISOString() : null),
    }),
    fixMessage: t.string({ nullable: true, resolve: (f) => f.fix?.message ?? null }),
    fixCommit: t.string({ nullable: true, resolve: (f) => f.fix?.commit.slice(0, 12) ?? null }),
  }),
});

/** Most client ids one `feedbackUpdates` call may ask about. */
export const MAX_FEEDBACK_UPDATES = 100;

builder.queryFields((t) => ({
  feedback: t.connection(
    {
      type: FeedbackRef,
      description: 'Frontline feedback, newest first (scope feedback:read).',
      args: {
        status: t.arg({ type: FeedbackStatusEnum, defaultValue: 'open' }),
        businessUnit: t.arg.string({ required: false }),
        documentId: t.arg.string({ required: false }),
      },
      resolve: async (_root, args, ctx) => {
        requireScope(ctx.viewer, 'feedback:read');
        const documentIds = feedbackDocumentIds(ctx.catalog, args);
        const filter = { status: args.status ?? 'open', ...(documentIds ? { documentIds } : {}) };
        return offsetConnection(args, await countFeedback(ctx.events, filter), (page) =>
          listFeedback(ctx.events, { ...filter, ...page }),
        );
      },
    },
    { name: 'FeedbackConnection' },
    { name: 'FeedbackEdge' },
  ),
  feedbackUpdates: t.field({
    type: [FeedbackUpdateRef],
    description: `What became of feedback this device gave, by the client ids it chose (at most ${MAX_FEEDBACK_UPDATES}); unknown ids are left out. No token needed: the ids are the device's secret.`,
    args: { clientIds: t.arg.stringList({ required: true }) },
    resolve: async (_root, args, ctx) => {
      if (args.clientIds.length > MAX_FEEDBACK_UPDATES)
        throw hanseiError('BAD_USER_INPUT', `at most ${MAX_FEEDBACK_UPDATES} client ids at once`);
      return feedbackByClientIds(
        ctx.events,
        args.clientIds.filter((id) => id.length <= 100),
      );
    },
  }),
}));

builder.mutationFields((t) => ({
  closeFeedback: t.field({
    type: FeedbackRef,
    description:
      'Closes feedback by linking the commit that fixed it: a commit that changed its document (as indexed), made after the feedback (scope feedback:close).',
    args: {
      id: t.arg.string({ required: true, description: 'FB-<number>' }),
      commit: t.arg.string({ required: true, description: 'Commit id, or a prefix of at least 7 hex digits.' }),
      note: t.arg.string({
        required: false,
        description: 'What was changed, in a few words (at most 300 characters).',
      }),
    },
    resolve: async (_root, args, ctx) => {
      requireScope(ctx.viewer, 'feedback:close');
      const result = await closeFeedback(ctx.events, {
        id: args.id,
        commit: args.commit,
        note: args.note ?? null,
        closedBy: ctx.viewer.name,
        now: ctx.now.toISOString(),
        findCommit: async (documentId, commit) => {
          const found = await documentCommit(ctx.index, documentId, commit);
          return found === 'ambiguous' || found === undefined ? found : { ...found, changedDocument: true };
        },
      });
      if (result.problem) throw hanseiError(result.problem.code, result.problem.message);
      ctx.onEventsRecorded();
      return result.record;
    },
  }),
}));
