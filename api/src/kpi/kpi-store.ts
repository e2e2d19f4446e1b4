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
/** Readings and series one group commit takes at most (bound arguments, UNION ALL terms). */
const MAX_GROUP_READINGS = 2000;
const MAX_GROUP_SERIES = 400;

/** A call waiting for its turn, and how to answer it. */
interface Pending {
  batch: readonly ValidReading[];
  options: IngestOptions;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

/**
 * One ingest at a time per store in this process — the read of each series' latest
 * readings and the write that follows must not interleave with another batch's — and the
 * calls that queue up meanwhile go together in the next transaction (a group commit): one
 * synchronous commit for many batches, each answered with its own share.
 */
const queues = new WeakMap<Client, { running: boolean; pending: Pending[] }>();

const seriesKey = (unit: string, kpi: string, line: string | null) => `${unit}\u0000${kpi}\u0000${line ?? ''}`;

/** Stores validated readings and opens or closes learning triggers, atomically. */
export function recordReadings(
  events: Client,
  batch: readonly ValidReading[],
  options: IngestOptions,
): Promise<IngestResult> {
  if (batch.length === 0) return Promise.resolve({ recorded: 0, opened: [], closed: 0 });
  return new Promise((resolve, reject) => {
    let queue = queues.get(events);
    if (!queue) {
      queue = { running: false, pending: [] };
      queues.set(events, queue);
    }
    queue.pending.push({ batch, options, resolve, reject });
    if (!queue.running) void drain(events, queue);
  });
}

async function drain(events: Client, queue: { running: boolean; pending: Pending[] }): Promise<void> {
  queue.running = true;
  try {
    while (queue.pending.length > 0) {
      const group = takeGroup(queue.pending);
      try {
        const results = await ingest(events, group);
        group.forEach((call, i) => {
          call.resolve(results[i] as IngestResult);
        });
      } catch (error) {
        // Nothing of the group was committed: every call in it fails and may be retried.
        for (const call of group) call.reject(error);
      }
    }
  } finally {
    queue.running = false;
  }
}

/** The calls at the head of the queue that fit one group (always at least one). */
function takeGroup(pending: Pending[]): Pending[] {
  const group: Pending[] = [];
  const series = new Set<string>();
  let readings = 0;
  while (pending.length > 0) {
    const call = pending[0] as Pending;
    const keys = call.batch.map((r) => seriesKey(r.businessUnit, r.kpi, r.line));
    const grown = new Set([...series, ...keys]);
    if (group.length > 0 && (readings + call.batch.length > MAX_GROUP_READINGS || grown.size > MAX_GROUP_SERIES)) break;
    group.push(pending.shift() as Pending);
    readings += call.batch.length;
    for (const key of keys) series.add(key);
  }
  return group;
}

interface OpenTrigger {
  seq: number | undefined;
  level: KpiLevel;
  openedAt: string;
  closedAt: string | null;
  created?: LearningTrigger;
  /** The call whose readings opened or closed it. */
  owner: number;
}

/** A new reading and the call it came from. */
interface Tagged {
  reading: ValidReading;
  call: number;
}

/** Stores the readings of a group of calls in one transaction; returns each call's result. */
async function ingest(events: Client, group: readonly Pending[]): Promise<IngestResult[]> {
  // The latest call's view of the KPIs and documents decides for the whole group.
  const { kpis, recommend } = (group.at(-1) as Pending).options;
  const series = new Map<string, ValidReading[]>();
  for (const { batch } of group) {
    for (const reading of batch) {
      const key = seriesKey(reading.businessUnit, reading.kpi, reading.line);
      series.set(key, [...(series.get(key) ?? []), reading]);
    }
  }
  const keys = [...series.keys()];
  const { stored, contexts } = await readContexts(events, keys, series, kpis);
  const fresh: Tagged[] = [];
  group.forEach(({ batch }, call) => {
    for (const reading of batch) {
      if (stored.has(reading.clientId)) continue;
      stored.add(reading.clientId); // the same client id twice counts once
      fresh.push({ reading, call });
    }
  });
  const results: IngestResult[] = group.map(() => ({ recorded: 0, opened: [], closed: 0 }));
  for (const { call } of fresh) (results[call] as IngestResult).recorded++;

  const writes: InStatement[] = [];
  if (fresh.length > 0) {
    writes.push({
      sql: `INSERT INTO kpi_readings (client_id, business_unit, kpi, line, value, measured_at, received_at, source, note)
            VALUES ${fresh.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT (client_id) DO NOTHING`,
      args: fresh.flatMap(({ reading: r, call }): InValue[] => {
        const { now, source } = (group[call] as Pending).options;
        return [r.clientId, r.businessUnit, r.kpi, r.line ?? '', r.value, r.measuredAt, now, source, r.note];
      }),
    });
  }
  const created: OpenTrigger[] = [];
  const closing: OpenTrigger[] = [];
  const freshBySeries = new Map<string, Tagged[]>();
  for (const item of fresh) {
    const key = seriesKey(item.reading.businessUnit, item.reading.kpi, item.reading.line);
    freshBySeries.set(key, [...(freshBySeries.get(key) ?? []), item]);
  }
  for (const [key, list] of freshBySeries) {
    const first = (list[0] as Tagged).reading;
    const kpi = kpis.get(first.kpi) as Kpi;
    const scope = resolveScope(kpi, first.businessUnit, first.line);
    if ('problem' in scope) continue; // validated before: cannot happen
    const { before, after, open } = contexts.get(key) as SeriesContext;
    // Which call a reading came from; stored readings re-evaluated after a late one go to
    // the call that sent the first new reading of the series.
    const callOf = new Map(list.map((item) => [item.reading.clientId, item.call]));
    const fallback = (list[0] as Tagged).call;
    const added = list.map(({ reading }) => ({
      clientId: reading.clientId,
      value: reading.value,
      measuredAt: reading.measuredAt,
    }));
    const merged = [...before, ...after, ...added].sort((a, b) => a.measuredAt.localeCompare(b.measuredAt));
    const levels = statusTimeline(merged, kpi, scope.thresholds);
    for (let i = before.length; i < merged.length; i++) {
      const reading = merged[i] as Reading;
      const owner = callOf.get(reading.clientId) ?? fallback;
      const level = levels[i] as KpiLevel;
      const previous = i === 0 ? 'green' : (levels[i - 1] as KpiLevel);
      if (level === 'green') {
        for (const trigger of open) {
          if (trigger.closedAt !== null || trigger.openedAt >= reading.measuredAt) continue;
          trigger.closedAt = reading.measuredAt;
          trigger.owner = owner;
        }
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
      open.push({
        seq: undefined,
        level,
        openedAt: reading.measuredAt,
        closedAt: null,
        owner,
        created: {
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
          recommended: recommend(kpi, first.businessUnit),
          recordedAt: (group[owner] as Pending).options.now,
        },
      });
    }
    for (const trigger of open) {
      if (trigger.created) {
        trigger.created.closedAt = trigger.closedAt;
        created.push(trigger);
      } else if (trigger.closedAt !== null) {
        closing.push(trigger);
      }
    }
  }
  if (closing.length > 0) {
    writes.push({
      sql: `UPDATE kpi_triggers SET closed_at = CASE seq ${closing.map(() => 'WHEN ? THEN ?').join(' ')} END
            WHERE closed_at IS NULL AND seq IN (${closing.map(() => '?').join(', ')})`,
      args: [
        ...closing.flatMap((item) => [item.seq as number, item.closedAt as string]),
        ...closing.map((item) => item.seq as number),
      ],
    });
    for (const item of closing) (results[item.owner] as IngestResult).closed++;
  }
  if (created.length > 0) {
    writes.push({
      sql: `INSERT INTO kpi_triggers (business_unit, kpi, line, level, previous_level, opened_at, closed_at, rule, message, readings, recommended, recorded_at)
            VALUES ${created.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
            ON CONFLICT (business_unit, kpi, line, opened_at, level) DO NOTHING
            RETURNING seq, business_unit, kpi, line, opened_at, level`,
      args: created.flatMap(({ created: trigger }): InValue[] => {
        const t = trigger as LearningTrigger;
        return [
          t.businessUnit,
          t.kpi,
          t.line ?? '',
          t.level,
          t.previousLevel,
          t.openedAt,
          t.closedAt,
          t.rule,
          t.message,
          JSON.stringify(t.readings),
          JSON.stringify(t.recommended),
          t.recordedAt,
        ];
      }),
    });
  }
  if (writes.length === 0) return results;
  const written = await events.batch(writes, 'write');
  // RETURNING rows come in no promised order: match them to the triggers by their key.
  const triggerKey = (unit: string, kpi: string, line: string | null, openedAt: string, level: string) =>
    `${seriesKey(unit, kpi, line)}\u0000${openedAt}\u0000${level}`;
  const ids = new Map(
    (created.length > 0 ? (written.at(-1)?.rows ?? []) : []).map((row) => [
      triggerKey(
        String(row.business_unit),
        String(row.kpi),
        row.line === '' ? null : String(row.line),
        String(row.opened_at),
        String(row.level),
      ),
      Number(row.seq),
    ]),
  );
  for (const { created: trigger, owner } of created) {
    const t = trigger as LearningTrigger;
    const id = ids.get(triggerKey(t.businessUnit, t.kpi, t.line, t.openedAt, t.level));
    if (id !== undefined) (results[owner] as IngestResult).opened.push({ ...t, id });
  }
  return results;
}

/** What a series looked like before the batch: readings around it and its open triggers. */
interface SeriesContext {
  /** Stored readings before the batch's earliest new one, in time order (enough for the rules). */
  before: Reading[];
  /** Stored readings at or after it (only when readings arrive late), in time order. */
  after: Reading[];
  open: OpenTrigger[];
}

/**
 * One round trip for the usual case, readings arriving in time order: the client ids
 * already stored, the latest readings of every series in the batch and their open
 * triggers, in three statements. A series that receives a reading older than its latest
 * stored one is read again around that reading, so what follows it is re-evaluated.
 */
async function readContexts(
  events: Client,
  keys: readonly string[],
  series: ReadonlyMap<string, ValidReading[]>,
  kpis: ReadonlyMap<string, Kpi>,
): Promise<{ stored: Set<string>; contexts: Map<string, SeriesContext> }> {
  const heads = keys.map((key) => {
    const list = series.get(key) as ValidReading[];
    const first = list[0] as ValidReading;
    return {
      key,
      args: [first.businessUnit, first.kpi, first.line ?? ''] as InValue[],
      from: list.map((reading) => reading.measuredAt).sort()[0] as string,
      depth: 2 * windowSize(kpis.get(first.kpi) as Kpi),
    };
  });
  const ids = [...new Set([...series.values()].flat().map((reading) => reading.clientId))];
  const [known, latest, open] = await events.batch(
    [
      { sql: `SELECT client_id FROM kpi_readings WHERE client_id IN (${ids.map(() => '?').join(', ')})`, args: ids },
      {
        sql: heads
          .map(
            () =>
              'SELECT * FROM (SELECT ? AS s, client_id, value, measured_at FROM kpi_readings WHERE business_unit = ? AND kpi = ? AND line = ? ORDER BY measured_at DESC, seq DESC LIMIT ?)',
          )
          .join(' UNION ALL '),
        args: heads.flatMap((head, i) => [i, ...head.args, head.depth]),
      },
      {
        sql: `SELECT seq, business_unit, kpi, line, level, opened_at FROM kpi_triggers
              WHERE closed_at IS NULL AND (business_unit, kpi, line) IN (VALUES ${heads.map(() => '(?, ?, ?)').join(', ')})`,
        args: heads.flatMap((head) => head.args),
      },
    ],
    'read',
  );
  const contexts = new Map<string, SeriesContext>(heads.map((head) => [head.key, { before: [], after: [], open: [] }]));
  for (const row of latest?.rows ?? []) {
    contexts.get((heads[Number(row.s)] as { key: string }).key)?.before.unshift(toReading(row));
  }
  for (const row of open?.rows ?? []) {
    contexts
      .get(seriesKey(String(row.business_unit), String(row.kpi), row.line === '' ? null : String(row.line)))
      ?.open.push({
        seq: Number(row.seq),
        level: String(row.level) as KpiLevel,
        openedAt: String(row.opened_at),
        closedAt: null,
        owner: 0,
      });
  }
  const late = heads.filter((head) => {
    const newest = contexts.get(head.key)?.before.at(-1);
    return newest !== undefined && newest.measuredAt >= head.from;
  });
  if (late.length > 0) {
    const where = 'business_unit = ? AND kpi = ? AND line = ?';
    const results = await events.batch(
      late.flatMap((head) => [
        {
          sql: `SELECT client_id, value, measured_at FROM kpi_readings WHERE ${where} AND measured_at < ? ORDER BY measured_at DESC, seq DESC LIMIT ?`,
          args: [...head.args, head.from, head.depth],
        },
        {
          sql: `SELECT client_id, value, measured_at FROM kpi_readings WHERE ${where} AND measured_at >= ? ORDER BY measured_at, seq LIMIT ${MAX_REEVALUATED}`,
          args: [...head.args, head.from],
        },
      ]),
      'read',
    );
    late.forEach((head, i) => {
      const context = contexts.get(head.key) as SeriesContext;
      context.before = (results[2 * i]?.rows ?? []).map(toReading).reverse();
      context.after = (results[2 * i + 1]?.rows ?? []).map(toReading);
    });
  }
  return { stored: new Set((known?.rows ?? []).map((row) => String(row.client_id))), contexts };
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
