/**
 * Writing KPI readings: a batch is stored with the learning triggers it opens or closes in
 * ONE write transaction, synchronously committed before the call returns; replayed client
 * ids change nothing, and a re-evaluated batch opens the same trigger once (keyed by
 * series, time and level). Calls are serialized per store and grouped (a group commit).
 * SQL with bound arguments only.
 */
import type { Client, InStatement, InValue } from '@libsql/client';
import type { Kpi, KpiLevel } from '../content/taxonomy-schema.ts';
import { marks } from '../db/in-list.ts';
import { type LearningTrigger, seriesKeyOf, toReading } from './kpi-store.ts';
import type { ValidReading } from './readings.ts';
import {
  evaluateLatest,
  LEVEL_RANK,
  type Reading,
  type RuleHit,
  resolveScope,
  statusTimeline,
  type Thresholds,
  windowSize,
} from './rules.ts';

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

const seriesKey = (unit: string, kpi: string, line: string | null) => seriesKeyOf({ businessUnit: unit, kpi, line });

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
    escalate(
      merged,
      before.length,
      kpi,
      scope.thresholds,
      open,
      (reading) => callOf.get(reading.clientId) ?? fallback,
      (hit, previous, reading, owner) => ({
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
      }),
    );
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
            WHERE closed_at IS NULL AND seq IN (${marks(closing.length)})`,
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

/**
 * Walks a series from index `from` on (what came before only sets the scene): a reading
 * that raises the status to amber or red, above every trigger still open, opens one; a
 * green reading closes the open ones. Works on `open` in place.
 */
function escalate(
  merged: readonly Reading[],
  from: number,
  kpi: Kpi,
  thresholds: Thresholds,
  open: OpenTrigger[],
  ownerOf: (reading: Reading) => number,
  newTrigger: (hit: RuleHit, previous: KpiLevel, reading: Reading, owner: number) => LearningTrigger,
): void {
  const levels = statusTimeline(merged, kpi, thresholds);
  for (let i = from; i < merged.length; i++) {
    const reading = merged[i] as Reading;
    const owner = ownerOf(reading);
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
    const hit = evaluateLatest(window, kpi, thresholds).hits.find((candidate) => candidate.level === level);
    if (!hit) continue;
    open.push({
      seq: undefined,
      level,
      openedAt: reading.measuredAt,
      closedAt: null,
      owner,
      created: newTrigger(hit, previous, reading, owner),
    });
  }
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
      { sql: `SELECT client_id FROM kpi_readings WHERE client_id IN (${marks(ids.length)})`, args: ids },
      {
        sql: heads
          .map(
            () =>
              'SELECT * FROM (SELECT ? AS s, seq, client_id, value, measured_at FROM kpi_readings WHERE business_unit = ? AND kpi = ? AND line = ? ORDER BY measured_at DESC, seq DESC LIMIT ?)',
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
  // A compound SELECT promises no order across its terms: sort into time order here.
  const rows = [...(latest?.rows ?? [])].sort(
    (a, b) => String(a.measured_at).localeCompare(String(b.measured_at)) || Number(a.seq) - Number(b.seq),
  );
  for (const row of rows) contexts.get((heads[Number(row.s)] as { key: string }).key)?.before.push(toReading(row));
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
