/**
 * The API's KPI read model: the status of each series of a unit (the rules of
 * `kpi/rules.ts` over the latest readings), the knowledge that applies (from the catalog),
 * the open learning triggers, challenged fixes and the response metric. The rules
 * themselves live in `api/src/kpi/`; this file joins them to the catalog and the store.
 */
import type { Client } from '@libsql/client';
import { suggest } from '../../content/taxonomy.ts';
import type { Kpi } from '../../content/taxonomy-schema.ts';
import { type ApplicableDocument, applicableKnowledge, type KnowledgeCandidate } from '../../kpi/knowledge.ts';
import {
  type LearningTrigger,
  latestReadings,
  listTriggers,
  type StoredReading,
  seriesKeyOf,
  type TriggerRead,
  triggerReads,
} from '../../kpi/kpi-store.ts';
import { corpusFacts, type FixChallenge, fixChallenges } from '../../kpi/recurrence.ts';
import {
  type Evaluation,
  evaluateLatest,
  type SeriesScope,
  scopesOf,
  type Trend,
  trendOf,
  windowSize,
} from '../../kpi/rules.ts';
import { hanseiError } from '../errors.ts';
import type { Catalog } from './catalog.ts';
import type { Interval } from './events-store.ts';
import { shiftDays } from './metrics.ts';

/** The unit named by an argument, or a coded error with "did you mean". */
export function unitNamed(catalog: Catalog, id: string): string {
  if (id.length <= 120 && catalog.terms.businessUnit.has(id)) return id;
  const hint = id.length <= 120 ? suggest(id, catalog.terms.businessUnit) : undefined;
  throw hanseiError('BAD_USER_INPUT', `no business unit "${id.slice(0, 60)}"${hint ? `; ${hint}` : ''}`);
}

/** The KPI named by an argument, or UNKNOWN_KPI with "did you mean". */
export function kpiNamed(catalog: Catalog, id: string): Kpi {
  const kpi = id.length <= 120 ? catalog.kpis.get(id) : undefined;
  if (kpi) return kpi;
  const hint = id.length <= 120 ? suggest(id, catalog.kpis) : undefined;
  throw hanseiError('UNKNOWN_KPI', `no KPI "${id.slice(0, 60)}" in kpis.yaml${hint ? `; ${hint}` : ''}`);
}

/** The status of one series: a KPI in a unit (and line). */
export interface SeriesStatus {
  kpi: Kpi;
  scope: SeriesScope;
  /** The latest readings, in time order (enough for the rules and the trend). */
  readings: StoredReading[];
  /** `null` before the first reading. */
  evaluation: Evaluation | null;
  trend: Trend;
  openTrigger: LearningTrigger | null;
}

const candidates = new WeakMap<Catalog, KnowledgeCandidate[]>();

/** The catalog's documents as knowledge candidates (computed once per catalog). */
export function knowledgeCandidates(catalog: Catalog): KnowledgeCandidate[] {
  let list = candidates.get(catalog);
  if (!list) {
    list = [...catalog.documents.values()].map((d) => ({
      id: d.id,
      kind: d.kind,
      status: d.status,
      businessUnit: d.businessUnit,
      failureModes: d.all.failureMode,
      processes: d.all.process,
      equipment: d.all.equipment,
      superseded: catalog.superseded.has(d.id),
    }));
    candidates.set(catalog, list);
  }
  return list;
}

// Answers per catalog and reuse scores (both replaced, never changed, when they change):
// a burst of triggers or a board of 15 series scans the documents once per KPI and unit.
const knowledgeMemo = new WeakMap<Catalog, WeakMap<ReadonlyMap<string, number>, Map<string, ApplicableDocument[]>>>();

/** Lessons and SOPs for a KPI deviating in a unit, ranked like search. */
export function knowledgeFor(
  catalog: Catalog,
  reuse: ReadonlyMap<string, number>,
  kpi: Kpi,
  businessUnit: string,
  limit = 10,
): ApplicableDocument[] {
  let byReuse = knowledgeMemo.get(catalog);
  if (!byReuse) {
    byReuse = new WeakMap();
    knowledgeMemo.set(catalog, byReuse);
  }
  let answers = byReuse.get(reuse);
  if (!answers) {
    answers = new Map();
    byReuse.set(reuse, answers);
  }
  const key = `${kpi.id}\u0000${businessUnit}\u0000${limit}`;
  let found = answers.get(key);
  if (!found) {
    const label = (dimension: 'failureMode' | 'process' | 'equipment', id: string) =>
      catalog.terms[dimension].get(id)?.label ?? id;
    found = applicableKnowledge(kpi, businessUnit, knowledgeCandidates(catalog), reuse, label, limit);
    answers.set(key, found);
  }
  return found;
}

/** KPIs measured in a unit, in kpis.yaml order. */
export function kpisOfUnit(catalog: Catalog, businessUnit: string): Kpi[] {
  return [...catalog.kpis.values()].filter((kpi) => scopesOf(kpi, businessUnit).length > 0);
}

/** The status of every series of a unit (of one KPI when given). */
export async function unitStatus(
  events: Client,
  catalog: Catalog,
  businessUnit: string,
  kpiId?: string,
): Promise<SeriesStatus[]> {
  const kpis = kpiId === undefined ? kpisOfUnit(catalog, businessUnit) : [catalog.kpis.get(kpiId) as Kpi];
  const perSeries = Math.max(5, ...kpis.map((kpi) => Math.max(windowSize(kpi), kpi.escalation.worsening_trend)));
  const series = kpis.flatMap((kpi) =>
    scopesOf(kpi, businessUnit).map((scope) => ({ businessUnit, kpi: kpi.id, line: scope.line })),
  );
  const [readings, open] = await Promise.all([
    latestReadings(events, series, perSeries),
    listTriggers(events, { businessUnit, ...(kpiId === undefined ? {} : { kpi: kpiId }), open: true, limit: 1000 }),
  ]);
  return kpis.flatMap((kpi) =>
    scopesOf(kpi, businessUnit).map((scope) => {
      const series = readings.get(seriesKeyOf({ businessUnit, kpi: kpi.id, line: scope.line })) ?? [];
      const window = series.slice(-windowSize(kpi));
      return {
        kpi,
        scope,
        readings: series,
        evaluation: series.length === 0 ? null : evaluateLatest(window, kpi, scope.thresholds),
        trend: trendOf(series, kpi, scope.thresholds),
        // Newest first: the highest escalation still open.
        openTrigger: open.find((trigger) => trigger.kpi === kpi.id && trigger.line === scope.line) ?? null,
      };
    }),
  );
}

/** Challenged fixes of every approved lesson in the catalog, from its RCAs and red triggers. */
export async function challengedFixes(events: Client, catalog: Catalog): Promise<Map<string, FixChallenge[]>> {
  const { lessons, rcas } = corpusFacts([...catalog.documents.values()].map((d) => d.frontMatter));
  const redTriggers = await listTriggers(events, { level: 'red', limit: 10_000 });
  return fixChallenges(lessons, { rcas, redTriggers, kpis: catalog.kpis });
}

/** One bucket of the response metric. */
export interface ResponsePoint {
  /** First day of the bucket. */
  start: string;
  /** Red triggers opened in the bucket. */
  triggers: number;
  /** Of those, how many saw a recommended document read by the unit. */
  read: number;
  /** Minutes from the trigger to the first read: median and slowest, over the triggers read. */
  medianMinutes: number | null;
  maxMinutes: number | null;
}

/** The first day of the day, week (from Monday) or month an instant falls in. */
export function bucketOf(instant: string, interval: Interval): string {
  const day = instant.slice(0, 10);
  if (interval === 'day') return day;
  if (interval === 'month') return `${day.slice(0, 7)}-01`;
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/** Minutes from a trigger to the first read of a recommended document, or null. */
export function minutesToFirstRead(trigger: LearningTrigger, reads: readonly TriggerRead[]): number | null {
  const first = reads[0];
  return first ? (Date.parse(first.occurredAt) - Date.parse(trigger.openedAt)) / 60_000 : null;
}

/** Time from red triggers to the first read of a recommended document, bucketed. */
export function responseSeries(
  triggers: readonly LearningTrigger[],
  reads: ReadonlyMap<number, readonly TriggerRead[]>,
  interval: Interval,
): ResponsePoint[] {
  const buckets = new Map<string, { triggers: number; minutes: number[] }>();
  for (const trigger of triggers) {
    const key = bucketOf(trigger.openedAt, interval);
    const bucket = buckets.get(key) ?? { triggers: 0, minutes: [] };
    bucket.triggers++;
    const minutes = minutesToFirstRead(trigger, reads.get(trigger.id) ?? []);
    if (minutes !== null) bucket.minutes.push(minutes);
    buckets.set(key, bucket);
  }
  return [...buckets]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([start, { triggers: count, minutes }]) => {
      const sorted = [...minutes].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      const median =
        sorted.length === 0
          ? null
          : sorted.length % 2 === 1
            ? (sorted[mid] as number)
            : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
      return { start, triggers: count, read: sorted.length, medianMinutes: median, maxMinutes: sorted.at(-1) ?? null };
    });
}

/** The response metric of a unit over whole days (YYYY-MM-DD, inclusive), per KPI. */
export async function kpiResponse(
  events: Client,
  options: { businessUnit: string; kpi: string | undefined; from: string; to: string; interval: Interval },
): Promise<{ kpiId: string; points: ResponsePoint[] }[]> {
  const triggers = await listTriggers(events, {
    businessUnit: options.businessUnit,
    level: 'red',
    since: `${options.from}T00:00:00.000Z`,
    until: `${shiftDays(options.to, 1)}T00:00:00.000Z`,
    limit: 10_000,
    ...(options.kpi ? { kpi: options.kpi } : {}),
  });
  const reads = await triggerReads(events, triggers);
  const kpis = [...new Set(triggers.map((trigger) => trigger.kpi))].sort();
  return kpis.map((kpiId) => ({
    kpiId,
    points: responseSeries(
      triggers.filter((trigger) => trigger.kpi === kpiId),
      reads,
      options.interval,
    ),
  }));
}
