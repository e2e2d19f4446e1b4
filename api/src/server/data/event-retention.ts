/**
 * Retention of the events store: raw events are kept for a window of days, then deleted
 * (citations excepted: `Document.externalCitations` lists them, and only token holders
 * send them).
 * Nothing counted is lost — every event was folded into the daily aggregates when it was
 * stored (`event_daily` per document, kind and day; `search_daily` per normalised query and
 * day, by triggers of the events migrations) — so the store grows with time, not traffic:
 * raw rows for the window (bounded by the ingest rate limits) plus aggregates per day.
 * The window is also the ingest window: an older event is refused, so a client id is
 * always still on record when its event could be replayed.
 */
import type { Client } from '@libsql/client';

/** How long raw events are kept, and what is kept of searches after that. */
export interface RetentionPolicy {
  /**
   * Days raw events (and anonymous clients' standing votes) are kept. Default 90.
   * Citations are kept for good: they are the citation graph's external edges.
   */
  rawDays: number;
  /** Distinct searches kept per day once the day leaves the window: the most frequent. Default 200. */
  searchQueriesPerDay: number;
}

/** 90 days of raw events; the 200 most frequent searches of each older day. */
export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 90, searchQueriesPerDay: 200 };

/** Reads `HANSEI_EVENTS_RETENTION_DAYS` (1–3650); undefined when it is not a whole number in range. */
export function retentionDaysFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return DEFAULT_RETENTION.rawDays;
  const days = Number(value);
  return Number.isInteger(days) && days >= 1 && days <= 3650 ? days : undefined;
}

/** What one pruning pass removed. */
export interface PruneReport {
  events: number;
  votes: number;
  searches: number;
}

const CHUNK = 5000;

/**
 * Deletes raw events and standing votes older than the window, and trims each day past
 * the window to its most frequent searches. Deletes in chunks, so ingest is never held
 * up behind one long transaction.
 */
export async function pruneEvents(events: Client, policy: RetentionPolicy, now: Date): Promise<PruneReport> {
  const cutoff = new Date(now.getTime() - policy.rawDays * 86_400_000).toISOString();
  const report: PruneReport = { events: 0, votes: 0, searches: 0 };
  for (;;) {
    const result = await events.execute({
      // Citations stay: they are the external edges of the citation graph
      // (Document.externalCitations), sent by token holders only, not anonymous traffic.
      sql: "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE occurred_at < ? AND kind <> 'citation' LIMIT ?)",
      args: [cutoff, CHUNK],
    });
    report.events += result.rowsAffected;
    if (result.rowsAffected < CHUNK) break;
  }
  report.votes = (
    await events.execute({ sql: 'DELETE FROM votes WHERE occurred_at < ?', args: [cutoff] })
  ).rowsAffected;
  report.searches = (
    await events.execute({
      sql: `DELETE FROM search_daily WHERE day < ? AND (day, query, zero_results) IN (
              SELECT day, query, zero_results FROM (
                SELECT day, query, zero_results,
                       row_number() OVER (PARTITION BY day ORDER BY count DESC, last_seen DESC, query) AS rank
                FROM search_daily WHERE day < ?)
              WHERE rank > ?)`,
      args: [cutoff.slice(0, 10), cutoff.slice(0, 10), policy.searchQueriesPerDay],
    })
  ).rowsAffected;
  return report;
}

/**
 * Prunes now and then every `everyMs` (default hourly) until stopped. Failures are
 * reported to `onError` and retried at the next tick; the timer never keeps the process up.
 */
export function startRetention(
  events: Client,
  policy: RetentionPolicy,
  options: { everyMs?: number; now?: () => Date; onError?: (error: unknown) => void } = {},
): { stop(): void; done: Promise<void> } {
  const now = options.now ?? (() => new Date());
  const run = () => pruneEvents(events, policy, now()).then(() => undefined, options.onError ?? (() => undefined));
  const done = run();
  const timer = setInterval(run, options.everyMs ?? 3_600_000);
  timer.unref();
  return { stop: () => clearInterval(timer), done };
}
