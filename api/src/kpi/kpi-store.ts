/**
 * KPI readings and learning triggers in the events store (never in the disposable index).
 * Ingest stores a batch of readings and the triggers it opens or closes in ONE write batch,
 * synchronously committed before it returns; replayed client ids change nothing, and a
 * re-evaluated batch opens the same trigger once (keyed by series, time and level). Reads
 * for the API, the CLI, the portal build and the handover digest. SQL with bound
 * arguments only.
 */
import type { Client, InStatement, InValue, ResultSet, Row } from '@libsql/client';
import type { Kpi, KpiLevel, KpiRule } from '../content/taxonomy-schema.ts';
import type { ValidReading } from './readings.ts';
import { evaluateLatest, LEVEL_RANK, type Reading, resolveScope, statusTimeline, windowSize } from './rules.ts';

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

export interface IngestOptions {
  kpis: ReadonlyMap<string, Kpi>;
  /** The documents to recommend when `kpi` escalates in `businessUnit`, best first. */
  recommend: (kpi: Kpi, businessUnit: string) => string[];
  /** Who sent the batch (token name). */
  source: string;
  /** Receipt time, ISO 8601. */
  now: string;
}

export interface IngestResult {
  /** Readings newly stored (replayed client ids are not). */
  recorded: number;
  /** Triggers this batch opened. */
  opened: LearningTrigger[];
  /** Triggers this batch closed (their series went back to green). */
  closed: number;
}

/** Stored readings that arrived after the batch's earliest new reading, re-evaluated at most. */
const MAX_REEVALUATED = 5000;

// One ingest at a time per store in this process: the read of each series' recent
// readings and the write that follows must not interleave with another batch's.
const queues = new WeakMap<Client, Promise<unknown>>();
function serialized<T>(events: Client, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(events) ?? Promise.resolve();
  const run = previous.then(task, task);
  queues.set(
    events,
    run.catch(() => undefined),
  );
  return run;
}

const seriesKey = (unit: string, kpi: string, line: string | null) => `${unit}\u0000${kpi}\u0000${line ?? ''}`;

/** Stores validated readings and opens or closes learning triggers, atomically. */
export function recordReadings(
  events: Client,
  batch: readonly ValidReading[],
  options: IngestOptions,
): Promise<IngestResult> {
  if (batch.length === 0) return Promise.resolve({ recorded: 0, opened: [], closed: 0 });
  return serialized(events, () => ingest(events, batch, options));
}

interface OpenTrigger {
  seq: number | undefined;
  level: KpiLevel;
  openedAt: string;
  closedAt: string | null;
  created?: LearningTrigger;
}

async function ingest(events: Client, batch: readonly ValidReading[], options: IngestOptions): Promise<IngestResult> {
  const series = new Map<string, ValidReading[]>();
  for (const reading of batch) {
    const key = seriesKey(reading.businessUnit, reading.kpi, reading.line);
    series.set(key, [...(series.get(key) ?? []), reading]);
  }
  const keys = [...series.keys()];
  const reads: InStatement[] = [
    {
      sql: `SELECT client_id FROM kpi_readings WHERE client_id IN (${batch.map(() => '?').join(', ')})`,
      args: batch.map((reading) => reading.clientId),
    },
  ];
  for (const key of keys) {
    const list = series.get(key) as ValidReading[];
    const first = list[0] as ValidReading;
    const kpi = options.kpis.get(first.kpi) as Kpi;
    const from = list.map((reading) => reading.measuredAt).sort()[0] as string;
    const where = 'business_unit = ? AND kpi = ? AND line = ?';
    const args = [first.businessUnit, first.kpi, first.line ?? ''];
    reads.push(
      {
        sql: `SELECT client_id, value, measured_at FROM kpi_readings WHERE ${where} AND measured_at < ? ORDER BY measured_at DESC, seq DESC LIMIT ?`,
        args: [...args, from, 2 * windowSize(kpi)],
      },
      {
        sql: `SELECT client_id, value, measured_at FROM kpi_readings WHERE ${where} AND measured_at >= ? ORDER BY measured_at, seq LIMIT ${MAX_REEVALUATED}`,
        args: [...args, from],
      },
      { sql: `SELECT seq, level, opened_at FROM kpi_triggers WHERE ${where} AND closed_at IS NULL`, args },
    );
  }
  const results = await events.batch(reads, 'read');
  const stored = new Set((results[0]?.rows ?? []).map((row) => String(row.client_id)));
  const fresh: ValidReading[] = [];
  for (const reading of batch) {
    if (stored.has(reading.clientId)) continue;
    stored.add(reading.clientId); // the same client id twice in one batch counts once
    fresh.push(reading);
  }

  const writes: InStatement[] = [];
  if (fresh.length > 0) {
    writes.push({
      sql: `INSERT INTO kpi_readings (client_id, business_unit, kpi, line, value, measured_at, received_at, source, note)
            VALUES ${fresh.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT (client_id) DO NOTHING RETURNING seq`,
      args: fresh.flatMap((r): InValue[] => [
        r.clientId,
        r.businessUnit,
        r.kpi,
        r.line ?? '',
        r.value,
        r.measuredAt,
        options.now,
        options.source,
        r.note,
      ]),
    });
  }
  const created: LearningTrigger[] = [];
  const isFresh = new Set(fresh);
  let closed = 0;
  keys.forEach((key, index) => {
    const list = (series.get(key) as ValidReading[]).filter((reading) => isFresh.has(reading));
    const first = list[0];
    if (!first) return;
    const kpi = options.kpis.get(first.kpi) as Kpi;
    const scope = resolveScope(kpi, first.businessUnit, first.line);
    if ('problem' in scope) return; // validated before: cannot happen
    const before = (results[1 + index * 3]?.rows ?? []).map(toReading).reverse();
    const after = (results[2 + index * 3]?.rows ?? []).map(toReading);
    const open: OpenTrigger[] = (results[3 + index * 3]?.rows ?? []).map((row) => ({
      seq: Number(row.seq),
      level: String(row.level) as KpiLevel,
      openedAt: String(row.opened_at),
      closedAt: null,
    }));
    const added = list.map((reading) => ({
      clientId: reading.clientId,
      value: reading.value,
      measuredAt: reading.measuredAt,
    }));
    const merged = [...before, ...after, ...added].sort((a, b) => a.measuredAt.localeCompare(b.measuredAt));
    const levels = statusTimeline(merged, kpi, scope.thresholds);
    const start = before.length; // everything from here on may have changed
    for (let i = start; i < merged.length; i++) {
      const reading = merged[i] as Reading;
      const level = levels[i] as KpiLevel;
      const previous = i === 0 ? 'green' : (levels[i - 1] as KpiLevel);
      if (level === 'green') {
        for (const trigger of open)
          if (trigger.closedAt === null && trigger.openedAt < reading.measuredAt) trigger.closedAt = reading.measuredAt;
        continue;
      }
      const highestOpen = Math.max(
        -1,
        ...open.filter((trigger) => trigger.closedAt === null).map((trigger) => LEVEL_RANK[trigger.level]),
      );
      if (LEVEL_RANK[level] <= LEVEL_RANK[previous] || LEVEL_RANK[level] <= highestOpen) continue;
      const window = merged.slice(Math.max(0, i - windowSize(kpi) + 1), i + 1);
      const hit = evaluateLatest(window, kpi, scope.thresholds).hits.find((candidate) => candidate.level === level);
      if (!hit) continue;
      const trigger: LearningTrigger = {
        id: 0,
        kpi: kpi.id,
        businessUnit: first.businessUnit,
        line: first.line,
        level: hit.level,
        previousLevel: previous,
        openedAt: reading.measuredAt,
        closedAt: null,
        rule: hit.rule,
        message: hit.message,
        readings: hit.readings,
        recommended: options.recommend(kpi, first.businessUnit),
        recordedAt: options.now,
      };
      open.push({ seq: undefined, level, openedAt: reading.measuredAt, closedAt: null, created: trigger });
    }
    for (const trigger of open) {
      if (trigger.created) {
        trigger.created.closedAt = trigger.closedAt;
        created.push(trigger.created);
      } else if (trigger.closedAt !== null) {
        closed++;
        writes.push({
          sql: 'UPDATE kpi_triggers SET closed_at = ? WHERE seq = ? AND closed_at IS NULL',
          args: [trigger.closedAt, trigger.seq as number],
        });
      }
    }
  });
  for (const trigger of created) {
    writes.push({
      sql: `INSERT INTO kpi_triggers (business_unit, kpi, line, level, previous_level, opened_at, closed_at, rule, message, readings, recommended, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (business_unit, kpi, line, opened_at, level) DO NOTHING RETURNING seq`,
      args: [
        trigger.businessUnit,
        trigger.kpi,
        trigger.line ?? '',
        trigger.level,
        trigger.previousLevel,
        trigger.openedAt,
        trigger.closedAt,
        trigger.rule,
        trigger.message,
        JSON.stringify(trigger.readings),
        JSON.stringify(trigger.recommended),
        trigger.recordedAt,
      ],
    });
  }
  if (writes.length === 0) return { recorded: 0, opened: [], closed: 0 };
  const written = await events.batch(writes, 'write');
  const offset = writes.length - created.length;
  const opened = created.flatMap((trigger, i) => {
    const seq = written[offset + i]?.rows[0]?.seq;
    return seq === undefined ? [] : [{ ...trigger, id: Number(seq) }];
  });
  const recorded = fresh.length > 0 ? (written[0]?.rows.length ?? 0) : 0;
  return { recorded, opened, closed };
}

function toReading(row: Row): Reading {
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

const READING_COLUMNS = 'client_id, business_unit, kpi, line, value, measured_at, note';

/**
 * The latest `perSeries` readings of every series of a unit (of one KPI when given),
 * by series key (`seriesKeyOf`), in time order.
 */
export async function latestReadings(
  events: Client,
  businessUnit: string,
  perSeries: number,
  kpi?: string,
): Promise<Map<string, StoredReading[]>> {
  const rows = (
    await events.execute({
      sql: `SELECT ${READING_COLUMNS} FROM (
              SELECT *, row_number() OVER (PARTITION BY kpi, line ORDER BY measured_at DESC, seq DESC) AS n
              FROM kpi_readings WHERE business_unit = ? ${kpi === undefined ? '' : 'AND kpi = ?'}
            ) WHERE n <= ? ORDER BY kpi, line, measured_at, seq`,
      args: kpi === undefined ? [businessUnit, perSeries] : [businessUnit, kpi, perSeries],
    })
  ).rows;
  const result = new Map<string, StoredReading[]>();
  for (const row of rows) {
    const reading = toStoredReading(row);
    const key = seriesKeyOf(reading);
    result.set(key, [...(result.get(key) ?? []), reading]);
  }
  return result;
}

/** The key of a series, as `latestReadings` uses it. */
export function seriesKeyOf(series: { businessUnit: string; kpi: string; line: string | null }): string {
  return seriesKey(series.businessUnit, series.kpi, series.line);
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
  const kinds = READ_KINDS.map(() => '?').join(', ');
  // While the trigger was open: a read after the series was green again answered nothing.
  const statements = asked.map((trigger) => ({
    sql: `SELECT document_id, kind, occurred_at FROM events
          WHERE business_unit = ? AND occurred_at >= ? AND occurred_at <= ? AND kind IN (${kinds})
            AND document_id IN (${trigger.recommended.map(() => '?').join(', ')})
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
