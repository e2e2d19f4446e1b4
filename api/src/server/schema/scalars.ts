/**
 * Date scalars and paging helpers shared by every feature.
 */
import { offsetForArgs, resolveArrayConnection, resolveOffsetConnection } from '@pothos/plugin-relay';
import { isRealDate, isStrictInstant } from '../../content/schema.ts';
import { hanseiError } from '../errors.ts';
import { builder, MAX_PAGE_SIZE } from './builder.ts';

builder.scalarType('Date', {
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || !isRealDate(value)) {
      throw hanseiError('BAD_USER_INPUT', 'expected a date written as YYYY-MM-DD');
    }
    return value;
  },
});

/**
 * Parses an ISO 8601 date-time strictly (`isStrictInstant`: `Date.parse` rolls 2026-02-29
 * over to 1 March); the instant in UTC, or undefined.
 */
export function parseDateTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 40 || !isStrictInstant(value)) return undefined;
  return new Date(value).toISOString();
}

builder.scalarType('DateTime', {
  description: 'An instant, ISO 8601 with a time zone (2026-11-23T06:10:00Z).',
  serialize: (value) => value,
  parseValue: (value) => {
    const parsed = parseDateTime(value);
    if (parsed === undefined)
      throw hanseiError('BAD_USER_INPUT', 'expected an ISO 8601 date-time with a time zone, on a real calendar date');
    return parsed;
  },
});

/** Rejects page sizes above the limit with a coded error, instead of silently clamping. */
export function checkPageSize(args: { first?: number | null; last?: number | null }): void {
  for (const key of ['first', 'last'] as const) {
    const value = args[key];
    if (value === null || value === undefined) continue;
    if (value < 0) throw hanseiError('BAD_USER_INPUT', `${key} must not be negative`);
    if (value > MAX_PAGE_SIZE)
      throw hanseiError('PAGE_SIZE_TOO_LARGE', `${key} is ${value}; at most ${MAX_PAGE_SIZE} per page`);
  }
}

/** A connection over an in-memory list, with `totalCount`. */
export function listConnection<T>(args: ConnectionArgs, list: readonly T[]) {
  checkPageSize(args);
  return clientCursors(() => ({
    ...resolveArrayConnection({ args, defaultSize: 20, maxSize: MAX_PAGE_SIZE }, list as T[]),
    totalCount: list.length,
  }));
}

/** A connection over rows the store pages itself (LIMIT/OFFSET), with `totalCount`. */
export function offsetConnection<T>(
  args: ConnectionArgs,
  totalCount: number,
  page: (range: { limit: number; offset: number }) => Promise<readonly T[]>,
) {
  checkPageSize(args);
  const options = { args, totalCount, defaultSize: 20, maxSize: MAX_PAGE_SIZE };
  clientCursors(() => offsetForArgs(options));
  return resolveOffsetConnection(options, page);
}

type ConnectionArgs = { first?: number | null; last?: number | null; after?: string | null; before?: string | null };

/** Pothos throws plain errors for malformed cursors: a client mistake, not a bug. */
function clientCursors<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    throw hanseiError('BAD_USER_INPUT', error instanceof Error ? error.message : 'invalid cursor');
  }
}

/** Validates a `first`-style list limit. */
export function listLimit(first: number | null | undefined, fallback = 10): number {
  checkPageSize({ first });
  return first ?? fallback;
}
