/**
 * `recordReuseEvents`: integrations and the portal record reuse. Each event carries a
 * client id, so a batch sent again (a retry after a timeout, a replayed offline queue)
 * changes nothing. A batch is validated whole and stored in one transaction.
 */

import { checkFeedback } from '../../feedback/feedback-rules.ts';
import { MAX_QUERY_LENGTH } from '../../search/plan.ts';
import { hasScope } from '../auth.ts';
import type { Context } from '../context.ts';
import {
  EVENT_KINDS,
  type EventKind,
  type ReuseEvent,
  recordEvents,
  type SearchMatchLevel,
} from '../data/events-store.ts';
import { hanseiError } from '../errors.ts';
import { builder } from './builder.ts';
import { FeedbackInput } from './feedback.ts';
import { SearchMatchEnum } from './search.ts';

/** Largest batch accepted by one call. */
export const MAX_EVENT_BATCH = 500;
/** Kinds the portal may send without a token. */
export const ANONYMOUS_KINDS: ReadonlySet<EventKind> = new Set([
  'view',
  'download',
  'helpful',
  'not_helpful',
  'search',
  'search_gap',
  'feedback',
]);
/**
 * What one FEEDBACK event costs in the anonymous rate limit, in events: a reader's words
 * weigh more in a flood than a beacon. Small enough that the portal's batches of 100 (a
 * tablet's offline queue) always fit a full bucket, so a queue can never be stuck on it.
 */
export const FEEDBACK_RATE_COST = 4;

const ReuseEventKindEnum = builder.enumType('ReuseEventKind', {
  values: Object.fromEntries(EVENT_KINDS.map((kind) => [kind.toUpperCase(), { value: kind }])) as Record<
    string,
    { value: EventKind }
  >,
});

const ReuseEventInput = builder.inputType('ReuseEventInput', {
  fields: (t) => ({
    clientId: t.string({
      required: true,
      description: 'Unique per event, chosen by the client (a UUID): replays are ignored.',
    }),
    kind: t.field({ type: ReuseEventKindEnum, required: true }),
    documentId: t.string({
      required: false,
      description: 'The document reused (all kinds but SEARCH and SEARCH_GAP).',
    }),
    occurredAt: t.field({
      type: 'DateTime',
      required: false,
      description: 'When it happened (default: now); at most a year ago.',
    }),
    reference: t.string({ required: false, description: 'CITATION: the citing report, e.g. "8D-2026-114" or a URL.' }),
    query: t.string({ required: false, description: 'SEARCH, SEARCH_GAP: what was searched.' }),
    resultCount: t.int({ required: false, description: 'SEARCH: how many results it found.' }),
    feedback: t.field({
      type: FeedbackInput,
      required: false,
      description: "FEEDBACK: why the document didn't help, and where (a section's anchor).",
    }),
    match: t.field({
      type: SearchMatchEnum,
      required: false,
      description: 'SEARCH, SEARCH_GAP: how well the results matched (`SearchConnection.match`).',
    }),
    businessUnit: t.string({
      required: false,
      description: 'The business unit that read or cited it: links reads to its KPI learning triggers.',
    }),
  }),
});

const RecordPayloadRef = builder
  .objectRef<{ received: number; recorded: number }>('RecordReuseEventsPayload')
  .implement({
    fields: (t) => ({
      received: t.exposeInt('received'),
      recorded: t.exposeInt('recorded', { description: 'New events stored.' }),
      duplicates: t.int({
        description: 'Events already recorded (same client id), ignored.',
        resolve: (p) => p.received - p.recorded,
      }),
    }),
  });

type Input = typeof ReuseEventInput.$inferInput;

function validate(input: Input, index: number, ctx: Context, now: number): ReuseEvent {
  const fail = (message: string) => hanseiError('INVALID_EVENT', `event ${index}: ${message}`, { index });
  const kind = input.kind as EventKind;
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(input.clientId))
    throw fail('clientId must be 1–100 letters, digits, ".", "_", ":" or "-"');
  const documentId = input.documentId ?? null;
  const isSearch = kind === 'search' || kind === 'search_gap';
  if (!isSearch && documentId === null) throw fail(`${kind} needs a documentId`);
  if (documentId !== null && !ctx.catalog.documents.has(documentId))
    throw fail(`no document ${documentId.slice(0, 40)}`);
  const occurredAt = input.occurredAt ?? new Date(now).toISOString();
  const at = Date.parse(occurredAt);
  if (at > now + 5 * 60_000) throw fail('occurredAt is in the future');
  if (at < now - 366 * 86_400_000) throw fail('occurredAt is more than a year ago');
  const reference = input.reference ?? null;
  if (kind === 'citation' && (!reference || reference.trim() === ''))
    throw fail('a citation needs the reference of the citing report');
  if (reference !== null && reference.length > 300) throw fail('reference is longer than 300 characters');
  const query = input.query ?? null;
  const resultCount = input.resultCount ?? null;
  if (isSearch) {
    if (query === null || query.trim() === '') throw fail(`a ${kind} event needs its query`);
    if (query.length > MAX_QUERY_LENGTH) throw fail(`query is longer than ${MAX_QUERY_LENGTH} characters`);
  }
  if (kind === 'search' && (resultCount === null || resultCount < 0))
    throw fail('a search event needs a resultCount ≥ 0');
  const match = isSearch ? ((input.match as SearchMatchLevel | null | undefined) ?? null) : null;
  const checked = checkFeedback(kind, input.feedback);
  if (checked.problem) {
    throw hanseiError('INVALID_FEEDBACK', `event ${index}: ${checked.problem.message}`, {
      index,
      field: checked.problem.field,
    });
  }
  const businessUnit = input.businessUnit ?? null;
  if (businessUnit !== null && (businessUnit.length > 120 || !ctx.catalog.terms.businessUnit.has(businessUnit)))
    throw fail(`no business unit ${businessUnit.slice(0, 40)}`);
  return {
    clientId: input.clientId,
    kind,
    documentId,
    occurredAt,
    reference,
    query,
    resultCount,
    match,
    feedback: checked.detail,
    businessUnit,
  };
}

builder.mutationFields((t) => ({
  recordReuseEvents: t.field({
    type: RecordPayloadRef,
    description: `Records up to ${MAX_EVENT_BATCH} reuse events. Without a token only VIEW, DOWNLOAD, HELPFUL, NOT_HELPFUL, SEARCH, SEARCH_GAP and FEEDBACK are accepted (rate-limited; a FEEDBACK counts as ${FEEDBACK_RATE_COST}); CITATION and the rest need events:write.`,
    args: { events: t.arg({ type: [ReuseEventInput], required: true }) },
    complexity: 50,
    resolve: async (_root, args, ctx) => {
      if (args.events.length > MAX_EVENT_BATCH) {
        throw hanseiError('BATCH_TOO_LARGE', `${args.events.length} events in one call; at most ${MAX_EVENT_BATCH}`);
      }
      const anonymous = ctx.viewer.name === 'anonymous';
      if (!anonymous && !hasScope(ctx.viewer, 'events:write'))
        throw hanseiError('FORBIDDEN', `token "${ctx.viewer.name}" lacks the events:write scope`);
      const now = Date.now();
      const events = args.events.map((input, index) => validate(input, index, ctx, now));
      if (anonymous) {
        const forbidden = events.findIndex((event) => !ANONYMOUS_KINDS.has(event.kind));
        if (forbidden !== -1) {
          throw hanseiError(
            'UNAUTHENTICATED',
            `event ${forbidden}: ${events[forbidden]?.kind} events need a token with events:write`,
            { index: forbidden },
          );
        }
        const cost = events.reduce((sum, event) => sum + (event.kind === 'feedback' ? FEEDBACK_RATE_COST : 1), 0);
        if (!ctx.allowAnonymous(ctx.viewer.clientKey, cost))
          throw hanseiError('RATE_LIMITED', 'too many events from this client; try again in a minute');
      }
      const recorded = await recordEvents(ctx.events, events, ctx.viewer.name, new Date(now).toISOString());
      ctx.onEventsRecorded();
      return { received: events.length, recorded };
    },
  }),
}));
