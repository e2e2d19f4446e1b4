/**
 * KPI readings and learning triggers in the events store (never in the disposable index):
 * what they look like, and the reads the API, the CLI, the portal build and the handover
 * digest share. Writing them is `kpi-ingest.ts`. SQL with bound arguments only.
 */
import type { Client, InValue, ResultSet, Row } from '@libsql/client';
import type { KpiLevel, KpiRule } from '../content/taxonomy-schema.ts';
import { marks } from '../db/in-list.ts';
import type { Reading } from './rules.ts';

/** A stored reading. */
export interface StoredReading extends Reading {
  businessUnit: string;
  kpi: string;
  line: string | null;
  note: string | null;
}

/** An escalation of a series to amber or red, and what was recommended to read. */
export interface LearningTrigger {
  /** Stable id: the row's sequence number. */
  id: number;
  kpi: string;
  businessUnit: string;
  line: string | null;
  level: Exclude<KpiLevel, 'green'>;
  previousLevel: KpiLevel;
  /** The measurement time of the reading that escalated the series. */
  openedAt: string;
  /** The measurement time of the first green reading after it, while still open `null`. */
  closedAt: string | null;
  /** The rule that set the level, with its message and readings. */
  rule: KpiRule;
  message: string;
  readings: Reading[];
  /** Ids of the documents recommended when it opened, best first. */
  recommended: string[];
  recordedAt: string;
}

/** A reading row (client_id, value, measured_at) as the rules see it. */
export function toReading(row: Row): Reading {
  return { clientId: String(row.client_id), value: Number(row.value), measuredAt: String(row.measured_at) };
}

function toStoredReading(row: Row): StoredReading {
  return {
    ...toReading(row),
    businessUnit: String(row.business_unit),
    kpi: String(row.kpi),
    line: row.line === '' || row.line === null ? null : String(row.line),
    note: row.note === null ? null : String(row.note),
  };
}

function toTrigger(row: Row): LearningTrigger {
  return {
    id: Number(row.seq),
    kpi: String(row.kpi),
    businessUnit: String(row.business_unit),
    line: row.line === '' ? null : String(row.line),
    level: String(row.level) as LearningTrigger['level'],
    previousLevel: String(row.previous_level) as KpiLevel,
    openedAt: String(row.opened_at),
    closedAt: row.closed_at === null ? null : String(row.closed_at),
    rule: String(row.rule) as KpiRule,
    message: String(row.message),
    readings: JSON.parse(String(row.readings)) as Reading[],
    recommended: JSON.parse(String(row.recommended)) as string[],
    recordedAt: String(row.recorded_at),
  };
}

const READING_COLUMNS = 'seq, client_id, business_unit, kpi, line, value, measured_at, note';

/** A series of a KPI: a unit, and a line when the unit reads lines separately. */
export interface SeriesId {
  businessUnit: string;
  kpi: string;
  line: string | null;
}

/**
 * The latest `perSeries` readings of each series, by series key (`seriesKeyOf`), in time
 * order. One statement; each series is read through its index with a LIMIT, so the cost
 * does not grow with the readings kept.
 */
export async function latestReadings(
  events: Client,
  series: readonly SeriesId[],
  perSeries: number,
): Promise<Map<string, StoredReading[]>> {
  const result = new Map<string, StoredReading[]>();
  // SQLite allows 500 terms in a compound SELECT: a unit has far fewer series.
  for (let start = 0; start < series.length; start += 400) {
    const chunk = series.slice(start, start + 400);
    const rows = (
      await events.execute({
        sql: chunk
          .map(
            () =>
              `SELECT * FROM (SELECT ${READING_COLUMNS} FROM kpi_readings WHERE business_unit = ? AND kpi = ? AND line = ? ORDER BY measured_at DESC, seq DESC LIMIT ?)`,
          )
          .join(' UNION ALL '),
        args: chunk.flatMap((item): InValue[] => [item.businessUnit, item.kpi, item.line ?? '', perSeries]),
      })
    ).rows;
    // A compound SELECT promises no order across its terms: sort each series here.
    const sorted = [...rows].sort(
      (a, b) => String(a.measured_at).localeCompare(String(b.measured_at)) || Number(a.seq) - Number(b.seq),
    );
    for (const row of sorted) {
      const reading = toStoredReading(row);
      const key = seriesKeyOf(reading);
      result.set(key, [...(result.get(key) ?? []), reading]);
    }
  }
  return result;
}

/** The key of a series, as `latestReadings` and ingest use it. */
export function seriesKeyOf(series: SeriesId): string {
  return `${series.businessUnit}\u0000${series.kpi}\u0000${series.line ?? ''}`;
}

export interface TriggerFilter {
  /** One unit, or every unit. */
  businessUnit?: string;
  kpi?: string;
  level?: LearningTrigger['level'];
  /** Opened at or after this instant (ISO 8601). */
  since?: string;
  /** Opened before this instant. */
  until?: string;
  /** Only triggers still open. */
  open?: boolean;
  /** At most this many, newest first (default 100, at most 10,000). */
  limit?: number;
}

/**
 * Learning triggers, newest first: what a shift handover lists ("KPI triggers since the
 * last shift"), what the API serves, and what "did the fix hold?" reads.
 */
export async function listTriggers(events: Client, filter: TriggerFilter = {}): Promise<LearningTrigger[]> {
  const where: string[] = [];
  const args: InValue[] = [];
  const add = (clause: string, value: InValue) => {
    where.push(clause);
    args.push(value);
  };
  if (filter.businessUnit !== undefined) add('business_unit = ?', filter.businessUnit);
  if (filter.kpi !== undefined) add('kpi = ?', filter.kpi);
  if (filter.level !== undefined) add('level = ?', filter.level);
  if (filter.since !== undefined) add('opened_at >= ?', filter.since);
  if (filter.until !== undefined) add('opened_at < ?', filter.until);
  if (filter.open) where.push('closed_at IS NULL');
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 10_000);
  const rows = (
    await events.execute({
      sql: `SELECT * FROM kpi_triggers ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, seq DESC LIMIT ${limit}`,
      args,
    })
  ).rows;
  return rows.map(toTrigger);
}

/** A view, download or citation of a recommended document by the trigger's unit. */
export interface TriggerRead {
  documentId: string;
  kind: 'view' | 'download' | 'citation';
  occurredAt: string;
}

/** Kinds of reuse that count as reading a recommended document. */
export const READ_KINDS = ['view', 'download', 'citation'] as const;

/**
 * For each trigger, the views, downloads and citations of its recommended documents by
 * its unit from when it opened until it closed (first 100, oldest first): "was anything
 * read after the line went red?".
 */
export async function triggerReads(
  events: Client,
  triggers: readonly LearningTrigger[],
): Promise<Map<number, TriggerRead[]>> {
  const result = new Map<number, TriggerRead[]>(triggers.map((trigger) => [trigger.id, []]));
  const asked = triggers.filter((trigger) => trigger.recommended.length > 0);
  if (asked.length === 0) return result;
  // While the trigger was open: a read after the series was green again answered nothing.
  const statements = asked.map((trigger) => ({
    sql: `SELECT document_id, kind, occurred_at FROM events
          WHERE business_unit = ? AND occurred_at >= ? AND occurred_at <= ? AND kind IN (${marks(READ_KINDS.length)})
            AND document_id IN (${marks(trigger.recommended.length)})
          ORDER BY occurred_at, seq LIMIT 100`,
    args: [
      trigger.businessUnit,
      trigger.openedAt,
      trigger.closedAt ?? '9999-12-31',
      ...READ_KINDS,
      ...trigger.recommended,
    ],
  }));
  const results: ResultSet[] = [];
  // A few hundred statements per round trip: a long range of triggers stays one query each.
  for (let start = 0; start < statements.length; start += 200)
    results.push(...(await events.batch(statements.slice(start, start + 200), 'read')));
  asked.forEach((trigger, i) => {
    result.set(
      trigger.id,
      (results[i]?.rows ?? []).map((row) => ({
        documentId: String(row.document_id),
        kind: String(row.kind) as TriggerRead['kind'],
        occurredAt: String(row.occurred_at),
      })),
    );
  });
  return result;
}

/** How many readings the store holds (benchmarks, crash test). */
export async function countReadings(events: Client): Promise<number> {
  return Number((await events.execute('SELECT count(*) AS n FROM kpi_readings')).rows[0]?.n ?? 0);
}
