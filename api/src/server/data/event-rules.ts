/**
 * What an event may carry: a bound on every field, and per kind which fields it takes.
 * Anything outside is refused whole (`INVALID_EVENT` names the event), so the events store
 * only ever holds small, well-formed rows. The checks are separate functions so that other
 * event-like inputs (KPI readings, feedback with a reason) bound their fields the same way.
 */
import { MAX_QUERY_LENGTH } from '../../search/plan.ts';
import type { EventKind, ReuseEvent, SearchMatchLevel } from './events-store.ts';

/** The bound on each field (the README's security section lists them). */
export const EVENT_LIMITS = {
  /** `clientId`: 1–100 letters, digits, `.`, `_`, `:` or `-` (a UUID fits). */
  clientIdLength: 100,
  /** `documentId`: at most 64 characters, and a document in the index. */
  documentIdLength: 64,
  /** `reference` (CITATION): 1–300 characters, no control characters. */
  referenceLength: 300,
  /** `query` (SEARCH, SEARCH_GAP): 1–200 characters, no control characters (the search box's own limit). */
  queryLength: MAX_QUERY_LENGTH,
  /** `businessUnit`: at most 120 characters, and a unit of the taxonomy. */
  businessUnitLength: 120,
  /** `resultCount` (SEARCH): 0–1,000,000. */
  maxResultCount: 1_000_000,
  /** `occurredAt`: at most 5 minutes ahead of the server's clock. */
  futureSkewMs: 5 * 60_000,
  /**
   * `occurredAt` of a CITATION: up to a year back (reports are registered late), or the
   * retention window if longer; citations are never pruned. Other kinds: the window.
   */
  citationWindowDays: 366,
} as const;

/** Whether a kind takes a field. */
export type FieldUse = 'required' | 'optional' | 'forbidden';

/** The optional fields of an event. */
export interface EventFieldUses {
  documentId: FieldUse;
  reference: FieldUse;
  query: FieldUse;
  resultCount: FieldUse;
  /** SEARCH and SEARCH_GAP: how well the results matched. */
  match: FieldUse;
  /** The business unit that read or cited a document (links reads to its KPI learning triggers). */
  businessUnit: FieldUse;
  /** FEEDBACK: the reason, section and text (checked by `feedback/feedback-rules.ts`). */
  feedback: FieldUse;
}

const ABOUT_A_DOCUMENT: EventFieldUses = {
  documentId: 'required',
  reference: 'forbidden',
  query: 'forbidden',
  resultCount: 'forbidden',
  match: 'forbidden',
  businessUnit: 'optional',
  feedback: 'forbidden',
};

const ABOUT_A_SEARCH: EventFieldUses = {
  documentId: 'optional',
  reference: 'forbidden',
  query: 'required',
  resultCount: 'required',
  match: 'optional',
  businessUnit: 'forbidden',
  feedback: 'forbidden',
};

/** Per kind, which fields an event takes. */
export const EVENT_FIELDS = {
  view: ABOUT_A_DOCUMENT,
  download: ABOUT_A_DOCUMENT,
  helpful: ABOUT_A_DOCUMENT,
  not_helpful: ABOUT_A_DOCUMENT,
  citation: { ...ABOUT_A_DOCUMENT, reference: 'required' },
  search: ABOUT_A_SEARCH,
  // "Tell the steward what was missing": the search, and what it showed.
  search_gap: { ...ABOUT_A_SEARCH, documentId: 'forbidden', resultCount: 'optional' },
  feedback: { ...ABOUT_A_DOCUMENT, businessUnit: 'forbidden', feedback: 'required' },
} as const satisfies Record<EventKind, EventFieldUses>;

const MATCH_LEVELS: readonly SearchMatchLevel[] = ['strong', 'weak', 'none'];

/** A field is out of bounds; the message names the field and the bound, never the value. */
export class EventRuleError extends Error {
  override name = 'EventRuleError';
}

/** True when text holds a control character (C0, DEL, C1) or a line/paragraph separator. */
export function hasControlCharacters(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}

/** Checks a client-chosen idempotency key. */
export function checkClientId(value: string): string {
  if (value.length > EVENT_LIMITS.clientIdLength || !/^[A-Za-z0-9._:-]+$/.test(value))
    throw new EventRuleError(`clientId must be 1–${EVENT_LIMITS.clientIdLength} letters, digits, ".", "_", ":" or "-"`);
  return value;
}

/**
 * Checks an optional text field against its use and length: present when required,
 * absent when forbidden, not blank, no control characters. Returns the value or null.
 */
export function checkText(
  value: string | null | undefined,
  field: string,
  use: FieldUse,
  maxLength: number,
  kind: string,
): string | null {
  if (value === null || value === undefined) {
    if (use === 'required') throw new EventRuleError(`a ${kind} event needs ${field}`);
    return null;
  }
  if (use === 'forbidden') throw new EventRuleError(`${field} is not part of a ${kind} event`);
  if (value.trim() === '') throw new EventRuleError(`${field} is blank`);
  if (value.length > maxLength) throw new EventRuleError(`${field} is longer than ${maxLength} characters`);
  if (hasControlCharacters(value)) throw new EventRuleError(`${field} contains control characters`);
  return value;
}

/**
 * Checks when an event happened: not ahead of the clock (beyond skew), and not before the
 * retention window — older events would be pruned at once, and their client ids could no
 * longer be recognised as replays. Returns the ISO instant (default: now).
 */
export function checkOccurredAt(value: string | null | undefined, now: number, windowDays: number): string {
  if (value === null || value === undefined) return new Date(now).toISOString();
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new EventRuleError('occurredAt is not a date-time');
  if (at > now + EVENT_LIMITS.futureSkewMs) throw new EventRuleError('occurredAt is in the future');
  if (at < now - windowDays * 86_400_000)
    throw new EventRuleError(`occurredAt is more than ${windowDays} days ago (the ingest window)`);
  return new Date(at).toISOString();
}

/** Checks a count: an integer from 0 to `max`. */
export function checkCount(
  value: number | null | undefined,
  field: string,
  use: FieldUse,
  max: number,
  kind: string,
): number | null {
  if (value === null || value === undefined) {
    if (use === 'required') throw new EventRuleError(`a ${kind} event needs ${field}`);
    return null;
  }
  if (use === 'forbidden') throw new EventRuleError(`${field} is not part of a ${kind} event`);
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new EventRuleError(`${field} must be a whole number from 0 to ${max.toLocaleString('en')}`);
  return value;
}

/** Checks a document reference: short, and known to `exists`. */
export function checkDocumentId(
  value: string | null | undefined,
  use: FieldUse,
  kind: string,
  exists: (id: string) => boolean,
): string | null {
  if (value === null || value === undefined) {
    if (use === 'required') throw new EventRuleError(`a ${kind} event needs documentId`);
    return null;
  }
  if (use === 'forbidden') throw new EventRuleError(`documentId is not part of a ${kind} event`);
  if (value.length > EVENT_LIMITS.documentIdLength || hasControlCharacters(value))
    throw new EventRuleError(`documentId is not a document id (at most ${EVENT_LIMITS.documentIdLength} characters)`);
  if (!exists(value)) throw new EventRuleError(`no document ${value}`);
  return value;
}

/** Checks a business unit: short, and known to `exists`. */
export function checkBusinessUnit(
  value: string | null | undefined,
  use: FieldUse,
  kind: string,
  exists: (id: string) => boolean,
): string | null {
  if (value === null || value === undefined) {
    if (use === 'required') throw new EventRuleError(`a ${kind} event needs businessUnit`);
    return null;
  }
  if (use === 'forbidden') throw new EventRuleError(`businessUnit is not part of a ${kind} event`);
  if (value.length > EVENT_LIMITS.businessUnitLength || hasControlCharacters(value) || !exists(value))
    throw new EventRuleError(`no business unit ${value.slice(0, 40)}`);
  return value;
}

/** An event as a client sends it (the GraphQL input). */
export interface EventInput {
  clientId: string;
  kind: EventKind;
  documentId?: string | null;
  occurredAt?: string | null;
  reference?: string | null;
  query?: string | null;
  resultCount?: number | null;
  match?: string | null;
  businessUnit?: string | null;
}

/** What validation needs to know besides the event. */
export interface EventRuleContext {
  /** Milliseconds since the epoch. */
  now: number;
  /** Events older than this many days are refused (the raw-event retention). */
  windowDays: number;
  /** Whether a document is in the index. */
  hasDocument: (id: string) => boolean;
  /** Whether a business unit is in the taxonomy. */
  hasBusinessUnit: (id: string) => boolean;
}

/** Validates one event for its kind; throws `EventRuleError`. */
export function validateEvent(input: EventInput, context: EventRuleContext): ReuseEvent {
  const { kind } = input;
  const uses: EventFieldUses = EVENT_FIELDS[kind];
  return {
    clientId: checkClientId(input.clientId),
    kind,
    documentId: checkDocumentId(input.documentId, uses.documentId, kind, context.hasDocument),
    occurredAt: checkOccurredAt(
      input.occurredAt,
      context.now,
      kind === 'citation' ? Math.max(context.windowDays, EVENT_LIMITS.citationWindowDays) : context.windowDays,
    ),
    reference: checkText(input.reference, 'reference', uses.reference, EVENT_LIMITS.referenceLength, kind),
    query: checkText(input.query, 'query', uses.query, EVENT_LIMITS.queryLength, kind),
    resultCount: checkCount(input.resultCount, 'resultCount', uses.resultCount, EVENT_LIMITS.maxResultCount, kind),
    match: checkMatch(input.match, uses.match, kind),
    businessUnit: checkBusinessUnit(input.businessUnit, uses.businessUnit, kind, context.hasBusinessUnit),
  };
}

function checkMatch(value: string | null | undefined, use: FieldUse, kind: string): SearchMatchLevel | null {
  if (value === null || value === undefined) return null;
  if (use === 'forbidden') throw new EventRuleError(`match is not part of a ${kind} event`);
  const level = value as SearchMatchLevel;
  if (!MATCH_LEVELS.includes(level)) throw new EventRuleError('match must be STRONG, WEAK or NONE');
  return level;
}
