/**
 * `recordReuseEvents`: integrations and the portal record reuse. Each event carries a
 * client id, so a batch sent again (a retry after a timeout, a replayed offline queue)
 * changes nothing. A batch is validated whole and stored in one transaction.
 */

import { checkFeedback } from '../../feedback/feedback-rules.ts';
import { requireScope } from '../auth.ts';
import type { Context } from '../context.ts';
import { EVENT_LIMITS, EventRuleError, validateEvent } from '../data/event-rules.ts';
import { EVENT_KINDS, type EventKind, type ReuseEvent } from '../data/events-store.ts';
import { hanseiError } from '../errors.ts';
import { builder } from './builder.ts';
import { FeedbackInput } from './feedback.ts';
import { enumOf } from './refs.ts';
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

const ReuseEventKindEnum = enumOf('ReuseEventKind', EVENT_KINDS);

const ReuseEventInput = builder.inputType('ReuseEventInput', {
  fields: (t) => ({
    clientId: t.string({
      required: true,
      description: `Unique per event, chosen by the client (a UUID): replays are ignored. 1–${EVENT_LIMITS.clientIdLength} letters, digits, ".", "_", ":" or "-".`,
    }),
    kind: t.field({ type: ReuseEventKindEnum, required: true }),
    documentId: t.string({
      required: false,
      description: 'The document reused: required for every kind but SEARCH (optional there) and SEARCH_GAP (none).',
    }),
    occurredAt: t.field({
      type: 'DateTime',
      required: false,
      description: 'When it happened (default: now); not older than the retention window (90 days by default).',
    }),
    reference: t.string({
      required: false,
      description: `CITATION only: the citing report, e.g. "8D-2026-114" or a URL; at most ${EVENT_LIMITS.referenceLength} characters.`,
    }),
    query: t.string({
      required: false,
      description: `SEARCH and SEARCH_GAP only: what was searched; at most ${EVENT_LIMITS.queryLength} characters.`,
    }),
    resultCount: t.int({
      required: false,
      description: 'SEARCH (required) and SEARCH_GAP only: how many results it found (0 or more).',
    }),
    match: t.field({
      type: SearchMatchEnum,
      required: false,
      description: 'SEARCH and SEARCH_GAP only: how well the results matched (`SearchConnection.match`).',
    }),
    businessUnit: t.string({
      required: false,
      description: `The business unit that read or cited the document: links reads to its KPI learning triggers; at most ${EVENT_LIMITS.businessUnitLength} characters.`,
    }),
    feedback: t.field({
      type: FeedbackInput,
      required: false,
      description: "FEEDBACK only: why the document didn't help, and where (a section's anchor).",
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
  let event: ReuseEvent;
  try {
    event = validateEvent(
      { ...input, kind: input.kind as EventKind },
      {
        now,
        windowDays: ctx.retentionDays,
        hasDocument: (id) => ctx.catalog.documents.has(id),
        hasBusinessUnit: (id) => ctx.catalog.terms.businessUnit.has(id),
      },
    );
  } catch (error) {
    if (error instanceof EventRuleError)
      throw hanseiError('INVALID_EVENT', `event ${index}: ${error.message}`, { index });
    throw error;
  }
  const checked = checkFeedback(event.kind, input.feedback);
  if (checked.problem) {
    throw hanseiError('INVALID_FEEDBACK', `event ${index}: ${checked.problem.message}`, {
      index,
      field: checked.problem.field,
    });
  }
  return { ...event, feedback: checked.detail };
}

builder.mutationFields((t) => ({
  recordReuseEvents: t.field({
    type: RecordPayloadRef,
    description: `Records up to ${MAX_EVENT_BATCH} reuse events. Without a token only VIEW, DOWNLOAD, HELPFUL, NOT_HELPFUL, SEARCH, SEARCH_GAP and FEEDBACK are accepted (rate-limited; a FEEDBACK counts as ${FEEDBACK_RATE_COST}; an anonymous client's vote on a document counts once: a changed mind replaces it); CITATION and the rest need events:write.`,
    args: { events: t.arg({ type: [ReuseEventInput], required: true }) },
    complexity: 50,
    resolve: async (_root, args, ctx) => {
      if (args.events.length > MAX_EVENT_BATCH) {
        throw hanseiError('BATCH_TOO_LARGE', `${args.events.length} events in one call; at most ${MAX_EVENT_BATCH}`);
      }
      const anonymous = ctx.viewer.name === 'anonymous';
      if (!anonymous) requireScope(ctx.viewer, 'events:write');
      const now = ctx.now.getTime();
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
        if (!(await ctx.allowAnonymous(ctx.viewer.clientKey, cost)))
          throw hanseiError('RATE_LIMITED', 'too many events from this client; try again in a minute');
        const voter = await ctx.voterOf(ctx.viewer.clientKey);
        for (const event of events) event.voter = voter;
      }
      const recorded = await ctx.recordEvents(events, ctx.viewer.name, new Date(now).toISOString());
      ctx.onEventsRecorded();
      return { received: events.length, recorded };
    },
  }),
}));
