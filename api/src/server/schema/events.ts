/**
 * `recordReuseEvents`: integrations and the portal record reuse. Each event carries a
 * client id, so a batch sent again (a retry after a timeout, a replayed offline queue)
 * changes nothing. A batch is validated whole and stored in one transaction.
 */
import { hasScope } from '../auth.ts';
import type { Context } from '../context.ts';
import { EVENT_LIMITS, EventRuleError, validateEvent } from '../data/event-rules.ts';
import { EVENT_KINDS, type EventKind, type ReuseEvent, recordEvents } from '../data/events-store.ts';
import { hanseiError } from '../errors.ts';
import { builder } from './builder.ts';

/** Largest batch accepted by one call. */
export const MAX_EVENT_BATCH = 500;
/** Kinds the portal may send without a token. */
export const ANONYMOUS_KINDS: ReadonlySet<EventKind> = new Set([
  'view',
  'download',
  'helpful',
  'not_helpful',
  'search',
]);

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
      description: `Unique per event, chosen by the client (a UUID): replays are ignored. 1–${EVENT_LIMITS.clientIdLength} letters, digits, ".", "_", ":" or "-".`,
    }),
    kind: t.field({ type: ReuseEventKindEnum, required: true }),
    documentId: t.string({
      required: false,
      description: 'The document reused: required for every kind but SEARCH (optional there).',
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
      description: `SEARCH only: what was searched; at most ${EVENT_LIMITS.queryLength} characters.`,
    }),
    resultCount: t.int({
      required: false,
      description: 'SEARCH only: how many results it found (0 or more).',
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
  try {
    return validateEvent(
      { ...input, kind: input.kind as EventKind },
      { now, windowDays: ctx.retentionDays, hasDocument: (id) => ctx.catalog.documents.has(id) },
    );
  } catch (error) {
    if (error instanceof EventRuleError)
      throw hanseiError('INVALID_EVENT', `event ${index}: ${error.message}`, { index });
    throw error;
  }
}

builder.mutationFields((t) => ({
  recordReuseEvents: t.field({
    type: RecordPayloadRef,
    description: `Records up to ${MAX_EVENT_BATCH} reuse events. Without a token only VIEW, DOWNLOAD, HELPFUL, NOT_HELPFUL and SEARCH are accepted (rate-limited, and an anonymous client's vote on a document counts once: a changed mind replaces it); CITATION and the rest need events:write.`,
    args: { events: t.arg({ type: [ReuseEventInput], required: true }) },
    complexity: 50,
    resolve: async (_root, args, ctx) => {
      if (args.events.length > MAX_EVENT_BATCH) {
        throw hanseiError('BATCH_TOO_LARGE', `${args.events.length} events in one call; at most ${MAX_EVENT_BATCH}`);
      }
      const anonymous = ctx.viewer.name === 'anonymous';
      if (!anonymous && !hasScope(ctx.viewer, 'events:write'))
        throw hanseiError('FORBIDDEN', `token "${ctx.viewer.name}" lacks the events:write scope`);
      const now = ctx.now();
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
        if (!ctx.allowAnonymous(ctx.viewer.clientKey, events.length))
          throw hanseiError('RATE_LIMITED', 'too many events from this client; try again in a minute');
        const voter = await ctx.voterOf(ctx.viewer.clientKey);
        for (const event of events) event.voter = voter;
      }
      const recorded = await recordEvents(ctx.events, events, ctx.viewer.name, new Date(now).toISOString());
      ctx.onEventsRecorded();
      return { received: events.length, recorded };
    },
  }),
}));
