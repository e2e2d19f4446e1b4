/**
 * Reuse events: ingest (idempotent by client id, one transaction per batch, durable before
 * it is acknowledged) and the aggregates integrations read. SQL with bound arguments only.
 */
import { createHmac } from 'node:crypto';
import type { Client, InStatement, InValue } from '@libsql/client';
import { inList } from '../../db/in-list.ts';
import { ANONYMOUS_REVIEW_CAP, cappedCountSql } from '../../events/anonymous-caps.ts';
import type { FeedbackDetail } from '../../feedback/feedback-rules.ts';
import { feedbackInserts } from '../../feedback/feedback-store.ts';

export const EVENT_KINDS = [
  'view',
  'download',
  'citation',
  'helpful',
  'not_helpful',
  'search',
  'search_gap',
  'feedback',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** An event that passed validation. */
export interface ReuseEvent {
  clientId: string;
  kind: EventKind;
  documentId: string | null;
  occurredAt: string;
  reference: string | null;
  query: string | null;
  resultCount: number | null;
  /** SEARCH and SEARCH_GAP: how well the search matched, as the client saw it. */
  match?: SearchMatchLevel | null;
  /** FEEDBACK only: why it did not help, where, and the reader's words. */
  feedback?: FeedbackDetail | null;
  /** The business unit that read or cited it (links reads to its learning triggers). */
  businessUnit?: string | null;
  /**
   * Anonymous events: a keyed hash of the client's address (see `createVoterHash`). An
   * anonymous client's HELPFUL / NOT_HELPFUL vote on a document counts once; a changed
   * mind replaces it (triggers of events migration 6). Null for token callers.
   */
  voter?: string | null;
}

/** How well a search matched (see `search/rank.ts`). */
export type SearchMatchLevel = 'strong' | 'weak' | 'none';

/**
 * Stores a batch in one transaction: the events in one statement, then the detail of any
 * feedback among them. Replayed client ids are ignored, so a client may resend a batch it
 * is unsure about; so are anonymous votes that change nothing (the same vote again).
 * Returns how many were stored.
 */
export async function recordEvents(
  events: Client,
  batch: readonly ReuseEvent[],
  source: string,
  now: string,
): Promise<number> {
  if (batch.length === 0) return 0;
  const [result] = await events.batch(eventWrites(batch, source, now), 'write');
  return result?.rows.length ?? 0;
}

/**
 * The statements that store a batch: the events in one statement (its first; it returns a
 * row per event stored), then the detail of any feedback among them.
 */
export function eventWrites(batch: readonly ReuseEvent[], source: string, now: string): InStatement[] {
  const values = batch.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  const args: InValue[] = batch.flatMap((event) => [
    event.clientId,
    event.kind,
    event.documentId,
    event.occurredAt,
    now,
    source,
    event.reference,
    event.query,
    event.resultCount,
    event.match ?? null,
    event.businessUnit ?? null,
    event.voter ?? null,
  ]);
  return [
    {
      sql: `INSERT INTO events (client_id, kind, document_id, occurred_at, received_at, source, reference, query, result_count, match, business_unit, voter)
            VALUES ${values} ON CONFLICT (client_id) DO NOTHING RETURNING seq`,
      args,
    },
    ...feedbackInserts(batch),
  ];
}

/** Counts of each kind. */
export type ReuseCounts = Record<EventKind, number>;

export const emptyCounts = (): ReuseCounts => ({
  view: 0,
  download: 0,
  citation: 0,
  helpful: 0,
  not_helpful: 0,
  search: 0,
  search_gap: 0,
  feedback: 0,
});

export type Interval = 'day' | 'week' | 'month';

/** SQL for the first day of the bucket a `day` column falls in. */
const BUCKET: Record<Interval, string> = {
  day: 'day',
  // Weeks start on Monday (ISO 8601).
  week: "date(day, '-6 days', 'weekday 1')",
  month: "substr(day, 1, 7) || '-01'",
};

/** Totals per document over a date range (inclusive YYYY-MM-DD), for the given ids or all. */
export async function countsByDocument(
  events: Client,
  from: string,
  to: string,
  ids?: readonly string[],
): Promise<Map<string, ReuseCounts>> {
  const result = new Map<string, ReuseCounts>();
  const sql = 'SELECT document_id, kind, sum(count) AS n FROM event_daily WHERE day BETWEEN ? AND ?';
  const statements = ids
    ? inList(`${sql} AND document_id IN (?) GROUP BY document_id, kind`, ids, [from, to])
    : [{ sql: `${sql} GROUP BY document_id, kind`, args: [from, to] }];
  for (const statement of statements) {
    for (const row of (await events.execute(statement)).rows) {
      const id = String(row.document_id);
      const counts = result.get(id) ?? emptyCounts();
      counts[String(row.kind) as EventKind] = Number(row.n);
      result.set(id, counts);
    }
  }
  return result;
}

/** A time series of counts for a set of documents (all when `ids` is undefined). */
export async function timeSeries(
  events: Client,
  interval: Interval,
  from: string,
  to: string,
  ids?: readonly string[],
): Promise<{ start: string; counts: ReuseCounts }[]> {
  const buckets = new Map<string, ReuseCounts>();
  const sql = `SELECT ${BUCKET[interval]} AS bucket, kind, sum(count) AS n FROM event_daily WHERE day BETWEEN ? AND ?`;
  const statements = ids
    ? inList(`${sql} AND document_id IN (?) GROUP BY bucket, kind`, ids, [from, to])
    : [{ sql: `${sql} GROUP BY bucket, kind`, args: [from, to] }];
  for (const statement of statements) {
    for (const row of (await events.execute(statement)).rows) {
      const key = String(row.bucket);
      const counts = buckets.get(key) ?? emptyCounts();
      counts[String(row.kind) as EventKind] += Number(row.n);
      buckets.set(key, counts);
    }
  }
  return [...buckets].sort(([a], [b]) => a.localeCompare(b)).map(([start, counts]) => ({ start, counts }));
}

/**
 * Hashes anonymous clients' addresses with the store's own random key (events migration
 * 6): a vote can be matched to its voter's earlier vote without storing an address.
 */
export async function createVoterHash(events: Client): Promise<(clientKey: string) => string> {
  const row = (await events.execute("SELECT value FROM event_meta WHERE key = 'voter_key'")).rows[0];
  const key = Buffer.from(String(row?.value ?? ''), 'hex');
  if (key.length < 16) throw new Error('the events store has no voter key (events migration 6)');
  return (clientKey) => createHmac('sha256', key).update(clientKey).digest('base64url').slice(0, 22);
}

/** How many events the store holds (for health and benchmarks). */
export async function countEvents(events: Client): Promise<number> {
  return Number((await events.execute('SELECT count(*) AS n FROM events')).rows[0]?.n ?? 0);
}

/**
 * "Not helpful" votes per document id and day, oldest first, for the review queue.
 * Anonymous votes count once per client (events migration 6) and at most
 * `ANONYMOUS_REVIEW_CAP` per document and day: anyone can reach the portal's buttons.
 */
export async function notHelpfulByDay(events: Client): Promise<Map<string, { day: string; count: number }[]>> {
  const capped = cappedCountSql({ not_helpful: ANONYMOUS_REVIEW_CAP });
  const result = await events.execute({
    sql: `SELECT document_id, day, ${capped.sql} AS count FROM event_daily WHERE kind = ? ORDER BY document_id, day`,
    args: [...capped.args, 'not_helpful'],
  });
  const votes = new Map<string, { day: string; count: number }[]>();
  for (const row of result.rows) {
    const id = String(row.document_id);
    const list = votes.get(id) ?? [];
    list.push({ day: String(row.day), count: Number(row.count) });
    votes.set(id, list);
  }
  return votes;
}

/**
 * Reuse signal per document for ranking: each day's events weighted by kind and decayed
 * by age with a half-life, so last month's helpful votes count more than last year's.
 */
export const REUSE_WEIGHTS: Record<EventKind, number> = {
  citation: 5,
  helpful: 3,
  download: 1,
  view: 0.2,
  search: 0,
  not_helpful: -2,
  search_gap: 0,
  // Feedback is not reuse: its "didn't help" vote already counts, the reason does not again.
  feedback: 0,
};
export const REUSE_HALF_LIFE_DAYS = 90;

export async function decayedReuse(events: Client, today: string): Promise<Map<string, number>> {
  // Anonymous events count in the ranking only up to a cap per document, kind and day.
  const capped = cappedCountSql();
  const rows = (
    await events.execute({
      sql: `SELECT document_id, kind, julianday(?) - julianday(day) AS age, ${capped.sql} AS count
            FROM event_daily WHERE day >= date(?, '-3 years')`,
      args: [today, ...capped.args, today],
    })
  ).rows;
  const scores = new Map<string, number>();
  for (const row of rows) {
    const weight = REUSE_WEIGHTS[String(row.kind) as EventKind] ?? 0;
    if (weight === 0) continue;
    const age = Math.max(0, Number(row.age));
    const id = String(row.document_id);
    scores.set(id, (scores.get(id) ?? 0) + weight * Number(row.count) * 0.5 ** (age / REUSE_HALF_LIFE_DAYS));
  }
  return scores;
}

/** Caches `decayedReuse` for a few seconds; ingest invalidates it. */
export function createReuseCache(events: Client, ttlMs = 5000, today = () => new Date().toISOString().slice(0, 10)) {
  let value: Map<string, number> | undefined;
  let at = 0;
  let version = 0;
  let pending: Promise<Map<string, number>> | undefined;
  return {
    /** Increases whenever the scores are recomputed (for caches keyed on them). */
    get version(): number {
      return version;
    },
    get(): Promise<Map<string, number>> {
      if (value && Date.now() - at < ttlMs) return Promise.resolve(value);
      pending ??= decayedReuse(events, today())
        .then((scores) => {
          value = scores;
          at = Date.now();
          version++;
          return scores;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
    invalidate(): void {
      at = 0;
    },
  };
}
