/**
 * When a document must be verified again, and whether it is due. One module, used by the
 * API (`reviewState`) and the CLI, so both always agree.
 */
import type { FrontMatter } from '../content/schema.ts';
import type { ReviewPolicy } from '../content/taxonomy-schema.ts';

/** Where a document stands against its review interval. */
export const REVIEW_STATUSES = ['ok', 'due_soon', 'overdue'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export interface ReviewState {
  status: ReviewStatus;
  /** The interval that applies (`review_every`, else the unit's policy). */
  interval: string;
  /** Last verification, else creation. */
  since: string;
  nextReview: string;
}

/** Reviews due within this many days are "due soon". */
export const DUE_SOON_DAYS = 30;
/** Interval when neither the document nor its unit says anything. */
export const FALLBACK_INTERVAL = '1y';

/** The review interval for a document under its unit's policy. */
export function reviewInterval(
  frontMatter: Pick<FrontMatter, 'review_every' | 'severity'>,
  policy: ReviewPolicy | undefined,
): string {
  if (frontMatter.review_every) return frontMatter.review_every;
  if (!policy) return FALLBACK_INTERVAL;
  return (frontMatter.severity && policy.by_severity[frontMatter.severity]) || policy.default;
}

/** Adds a duration (`90d`, `12w`, `6mo`, `1y`) to a date (YYYY-MM-DD), in calendar terms. */
export function addDuration(date: string, duration: string): string {
  const match = /^(\d+)(d|w|mo|y)$/.exec(duration);
  if (!match) throw new Error(`invalid duration ${duration}`);
  const amount = Number(match[1]);
  const result = new Date(`${date}T00:00:00Z`);
  const unit = match[2];
  if (unit === 'd') result.setUTCDate(result.getUTCDate() + amount);
  else if (unit === 'w') result.setUTCDate(result.getUTCDate() + amount * 7);
  else {
    const months = unit === 'mo' ? amount : amount * 12;
    const day = result.getUTCDate();
    result.setUTCDate(1);
    result.setUTCMonth(result.getUTCMonth() + months);
    // 31 Jan + 1mo is 28/29 Feb, not 3 Mar.
    const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
    result.setUTCDate(Math.min(day, lastDay));
  }
  return result.toISOString().slice(0, 10);
}

/** Today as YYYY-MM-DD in UTC: the day the API also uses, so CLI and API agree. */
export function isoToday(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The review state of a document on `today` (YYYY-MM-DD). */
export function reviewState(
  frontMatter: Pick<FrontMatter, 'review_every' | 'severity' | 'reviewed' | 'created'>,
  policy: ReviewPolicy | undefined,
  today: string,
): ReviewState {
  const interval = reviewInterval(frontMatter, policy);
  const since = frontMatter.reviewed?.on ?? frontMatter.created;
  const nextReview = addDuration(since, interval);
  const left = daysBetween(today, nextReview);
  const status: ReviewStatus = left < 0 ? 'overdue' : left <= DUE_SOON_DAYS ? 'due_soon' : 'ok';
  return { status, interval, since, nextReview };
}
