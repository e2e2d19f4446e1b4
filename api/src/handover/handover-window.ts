/**
 * The window of a shift handover: from `since` (a duration back from the end, `12h`, or
 * an instant) to `until` (default: now). One parser for the CLI flag, the API argument
 * and the portal's `?since=`.
 */

/** What a handover covers when nobody says: one shift and a bit. */
export const DEFAULT_SINCE = '12h';
/** The longest window: a digest is for a shift, a weekend or a holiday, not a quarter. */
export const MAX_WINDOW_DAYS = 31;

/** The durations offered to pick from (the portal's buttons). */
export const SINCE_CHOICES = ['8h', '12h', '24h', '3d', '7d'] as const;

export interface HandoverWindow {
  since: Date;
  until: Date;
}

/** A window that cannot be used, and why (shown as a usage error or BAD_USER_INPUT). */
export class WindowError extends Error {
  override name = 'WindowError';
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const DURATION = /^(\d{1,4})(m|h|d|w)$/;
/** An instant with a time zone, or a bare date (midnight UTC). */
const INSTANT = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/** Parses an instant (`2026-11-23T06:00:00Z`, `2026-11-23`), or `undefined` when it is not one. */
export function parseInstant(value: string): Date | undefined {
  const text = value.trim();
  if (text.length > 40 || !INSTANT.test(text)) return undefined;
  const date = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Resolves `since` (duration or instant) and `until` into a window, checking its bounds. */
export function parseWindow(since: string | undefined, until: Date): HandoverWindow {
  const text = (since ?? DEFAULT_SINCE).trim();
  const duration = DURATION.exec(text);
  let start: Date;
  if (duration) {
    const amount = Number(duration[1]);
    if (amount === 0) throw new WindowError('since must be a duration longer than 0, like 12h');
    start = new Date(until.getTime() - amount * UNIT_MS[duration[2] as keyof typeof UNIT_MS]);
  } else {
    const instant = parseInstant(text);
    if (!instant)
      throw new WindowError(
        `since must be a duration (90m, 12h, 3d, 1w) or an instant (2026-11-23T06:00:00Z), not "${text.slice(0, 40)}"`,
      );
    start = instant;
  }
  if (start.getTime() >= until.getTime()) throw new WindowError('since must be before until');
  if (until.getTime() - start.getTime() > MAX_WINDOW_DAYS * UNIT_MS.d)
    throw new WindowError(`a handover covers at most ${MAX_WINDOW_DAYS} days`);
  return { since: start, until };
}
