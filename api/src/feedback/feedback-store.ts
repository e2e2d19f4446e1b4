/**
 * Frontline feedback in the events store: the detail rows written with their FEEDBACK
 * events, the queries stewards and the portal read, and the link to the fixing commit.
 * SQL with bound arguments only; a list of ids travels as one JSON argument.
 */
import type { Client, InStatement, InValue, Row } from '@libsql/client';
import { type FeedbackOrigin, type FeedbackReason, feedbackId } from '../content/feedback-vocabulary.ts';
import type { ReuseEvent } from '../server/data/events-store.ts';

/** The link from a feedback item to the commit that fixed it. */
export interface FeedbackFix {
  commit: string;
  /** Author date of the commit, ISO 8601. */
  date: string;
  message: string;
  closedAt: string;
  /** Who linked it: an API token's name, or `cli:<git user>`. */
  closedBy: string;
  note: string | null;
}

/** One feedback item as stored. */
export interface FeedbackRecord {
  seq: number;
  /** `FB-<seq>`, the id stewards use. */
  id: string;
  clientId: string;
  documentId: string;
  reason: FeedbackReason;
  origin: FeedbackOrigin;
  section: string | null;
  text: string | null;
  occurredAt: string;
  receivedAt: string;
  fix: FeedbackFix | null;
}

/**
 * The detail rows of the feedback events in a batch, for the same transaction as the
 * events. A replayed client id finds its row already there and adds nothing.
 */
export function feedbackInserts(batch: readonly ReuseEvent[]): InStatement[] {
  return batch.flatMap((event) =>
    event.kind === 'feedback' && event.feedback
      ? [
          {
            sql: `INSERT INTO feedback (event_seq, reason, origin, section, text)
                  SELECT seq, ?, ?, ?, ? FROM events WHERE client_id = ? AND kind = 'feedback'
                  ON CONFLICT (event_seq) DO NOTHING`,
            args: [
              event.feedback.reason,
              event.feedback.origin,
              event.feedback.section,
              event.feedback.text,
              event.clientId,
            ],
          },
        ]
      : [],
  );
}

/** Which feedback to read. */
export interface FeedbackFilter {
  /** Only feedback on these documents. */
  documentIds?: readonly string[];
  /** `open` (no fixing commit yet), `closed`, or `all` (default). */
  status?: 'open' | 'closed' | 'all';
  /** Given at or after this time (ISO 8601). */
  from?: string;
  /** Given before this time (ISO 8601). */
  to?: string;
  limit?: number;
  offset?: number;
}

const SELECT = `SELECT e.seq, e.client_id, e.document_id, e.occurred_at, e.received_at,
       f.reason, f.origin, f.section, f.text,
       x.commit_sha, x.commit_date, x.commit_message, x.closed_at, x.closed_by, x.note
  FROM events e JOIN feedback f ON f.event_seq = e.seq LEFT JOIN feedback_fixes x ON x.event_seq = e.seq`;

function where(filter: FeedbackFilter): { sql: string; args: InValue[] } {
  const clauses = ["e.kind = 'feedback'"];
  const args: InValue[] = [];
  if (filter.documentIds) {
    clauses.push('e.document_id IN (SELECT value FROM json_each(?))');
    args.push(JSON.stringify(filter.documentIds));
  }
  if (filter.status === 'open') clauses.push('x.event_seq IS NULL');
  if (filter.status === 'closed') clauses.push('x.event_seq IS NOT NULL');
  if (filter.from !== undefined) {
    clauses.push('e.occurred_at >= ?');
    args.push(filter.from);
  }
  if (filter.to !== undefined) {
    clauses.push('e.occurred_at < ?');
    args.push(filter.to);
  }
  return { sql: `WHERE ${clauses.join(' AND ')}`, args };
}

/** Feedback matching a filter, newest first. */
export async function listFeedback(events: Client, filter: FeedbackFilter = {}): Promise<FeedbackRecord[]> {
  const { sql, args } = where(filter);
  const rows = (
    await events.execute({
      sql: `${SELECT} ${sql} ORDER BY e.occurred_at DESC, e.seq DESC LIMIT ? OFFSET ?`,
      args: [...args, filter.limit ?? -1, filter.offset ?? 0],
    })
  ).rows;
  return rows.map(toRecord);
}

/** How many feedback items match a filter. */
export async function countFeedback(events: Client, filter: FeedbackFilter = {}): Promise<number> {
  const { sql, args } = where(filter);
  const rows = (
    await events.execute({
      sql: `SELECT count(*) AS n FROM events e JOIN feedback f ON f.event_seq = e.seq
            LEFT JOIN feedback_fixes x ON x.event_seq = e.seq ${sql}`,
      args,
    })
  ).rows;
  return Number(rows[0]?.n ?? 0);
}

/** One feedback item by its number, or `undefined`. */
export async function feedbackBySeq(events: Client, seq: number): Promise<FeedbackRecord | undefined> {
  const rows = (await events.execute({ sql: `${SELECT} WHERE e.seq = ? AND e.kind = 'feedback'`, args: [seq] })).rows;
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Feedback items by the client ids their device chose (the device's own feedback). */
export async function feedbackByClientIds(events: Client, clientIds: readonly string[]): Promise<FeedbackRecord[]> {
  if (clientIds.length === 0) return [];
  const rows = (
    await events.execute({
      sql: `${SELECT} WHERE e.client_id IN (SELECT value FROM json_each(?)) AND e.kind = 'feedback'`,
      args: [JSON.stringify(clientIds)],
    })
  ).rows;
  return rows.map(toRecord);
}

/**
 * Links a feedback item to its fixing commit. Written once: returns false when another
 * steward linked one first (the caller reports it as already closed).
 */
export async function recordFix(
  events: Client,
  seq: number,
  fix: Omit<FeedbackFix, 'closedAt'>,
  now: string,
): Promise<boolean> {
  const [result] = await events.batch(
    [
      {
        sql: `INSERT INTO feedback_fixes (event_seq, commit_sha, commit_date, commit_message, closed_at, closed_by, note)
              VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_seq) DO NOTHING RETURNING event_seq`,
        args: [seq, fix.commit, fix.date, fix.message, now, fix.closedBy, fix.note],
      },
    ],
    'write',
  );
  return (result?.rows.length ?? 0) > 0;
}

const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

function toRecord(row: Row): FeedbackRecord {
  const seq = Number(row.seq);
  const commit = str(row.commit_sha);
  return {
    seq,
    id: feedbackId(seq),
    clientId: String(row.client_id),
    documentId: String(row.document_id),
    reason: String(row.reason) as FeedbackReason,
    origin: String(row.origin) as FeedbackOrigin,
    section: str(row.section),
    text: str(row.text),
    occurredAt: String(row.occurred_at),
    receivedAt: String(row.received_at),
    fix:
      commit === null
        ? null
        : {
            commit,
            date: String(row.commit_date),
            message: String(row.commit_message),
            closedAt: String(row.closed_at),
            closedBy: String(row.closed_by),
            note: str(row.note),
          },
  };
}
