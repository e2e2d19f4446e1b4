/**
 * How much anonymous clients may weigh. Anyone can send the portal's beacons, so a day's
 * anonymous events for one document count only up to a cap where they steer something:
 * the ranking (reuse factor) and the review queue ("not helpful" votes). Metrics still
 * report every event. `event_daily.anonymous` holds the anonymous share of each count.
 */
import type { InValue } from '@libsql/client';

/** Event kinds an anonymous client votes with: each client's vote counts once per document. */
export const VOTE_KINDS = ['helpful', 'not_helpful'] as const;

/** Anonymous events per document, kind and day that count in the ranking. */
export const ANONYMOUS_RANKING_CAP: Readonly<Record<string, number>> = {
  view: 20,
  download: 10,
  helpful: 5,
  not_helpful: 5,
};

/** Anonymous "not helpful" votes per document and day that count toward the review queue. */
export const ANONYMOUS_REVIEW_CAP = 2;

/**
 * SQL for an `event_daily` row's count with the anonymous share capped per kind, and its
 * bound arguments: `count - anonymous + min(anonymous, cap)`. Kinds without a cap count 0
 * anonymous events.
 */
export function cappedCountSql(caps: Readonly<Record<string, number>> = ANONYMOUS_RANKING_CAP): {
  sql: string;
  args: InValue[];
} {
  const kinds = Object.entries(caps);
  const cases = kinds.map(() => 'WHEN ? THEN ?').join(' ');
  return {
    sql: `(count - anonymous + min(anonymous, CASE kind ${cases} ELSE 0 END))`,
    args: kinds.flat(),
  };
}
