/**
 * Red-amber-green status of a KPI series, defined once and used by the API (status and
 * learning triggers at ingest), the CLI and the portal. Pure functions over readings in
 * time order: which thresholds apply where, the level of one reading, the status after the
 * latest reading with the rules that fired and on which readings, the trend, and the rules
 * in plain words for people.
 */
import type { Kpi, KpiDirection, KpiLevel, KpiRule } from '../content/taxonomy-schema.ts';

/** Order of the levels: a change to a higher rank escalates. */
export const LEVEL_RANK: Record<KpiLevel, number> = { green: 0, amber: 1, red: 2 };

/** How a series moved over its last readings. */
export const KPI_TRENDS = ['improving', 'stable', 'worsening', 'not_enough_data'] as const;
export type KpiTrend = (typeof KPI_TRENDS)[number];

export interface Thresholds {
  target: number;
  amber: number;
  red: number;
}

/** One series of a KPI: a business unit, and a line when the unit reads lines separately. */
export interface SeriesScope {
  businessUnit: string;
  /** `null` when the unit reports one value for itself. */
  line: string | null;
  thresholds: Thresholds;
}

/** A reading as the rules see it. */
export interface Reading {
  clientId: string;
  value: number;
  /** ISO 8601 instant. */
  measuredAt: string;
}

/** A rule that fired on the latest reading, and the readings it fired on. */
export interface RuleHit {
  rule: KpiRule;
  level: Exclude<KpiLevel, 'green'>;
  message: string;
  readings: Reading[];
}

export interface Evaluation {
  level: KpiLevel;
  hits: RuleHit[];
}

export interface Trend {
  direction: KpiTrend;
  /** Change per reading (least squares over the last readings), in the KPI's unit. */
  slope: number;
  /** Readings the trend was computed from. */
  points: number;
}

/** The series a KPI has in a business unit (empty when the unit does not measure it). */
export function scopesOf(kpi: Kpi, businessUnit: string): SeriesScope[] {
  return kpi.measured_in
    .filter((scope) => scope.business_unit === businessUnit)
    .flatMap((scope) => {
      const thresholds = {
        target: scope.target ?? kpi.target,
        amber: scope.amber ?? kpi.amber,
        red: scope.red ?? kpi.red,
      };
      const lines = scope.lines.length === 0 ? [null] : scope.lines;
      return lines.map((line) => ({ businessUnit, line, thresholds }));
    });
}

/** The series a reading belongs to, or why the KPI is not read there. */
export function resolveScope(kpi: Kpi, businessUnit: string, line: string | null): SeriesScope | { problem: string } {
  const scopes = scopesOf(kpi, businessUnit);
  if (scopes.length === 0) {
    const units = [...new Set(kpi.measured_in.map((scope) => scope.business_unit))].join(', ');
    return { problem: `KPI ${kpi.id} is not measured in ${businessUnit} (it is in ${units})` };
  }
  const found = scopes.find((scope) => scope.line === line);
  if (found) return found;
  const lines = scopes.flatMap((scope) => (scope.line === null ? [] : [scope.line]));
  if (line === null)
    return { problem: `KPI ${kpi.id} is read per line in ${businessUnit}: name one of ${lines.join(', ')}` };
  return lines.length === 0
    ? { problem: `KPI ${kpi.id} is read for ${businessUnit} as a whole: leave out the line` }
    : { problem: `KPI ${kpi.id} has no line "${line.slice(0, 60)}" in ${businessUnit}; lines: ${lines.join(', ')}` };
}

/** True when `a` is worse than `b` for a KPI of this direction. */
export function isWorse(direction: KpiDirection, a: number, b: number): boolean {
  return direction === 'lower' ? a > b : a < b;
}

/** The level of one reading: worse than red is red, worse than amber is amber. */
export function levelOf(value: number, thresholds: Thresholds, direction: KpiDirection): KpiLevel {
  if (isWorse(direction, value, thresholds.red)) return 'red';
  if (isWorse(direction, value, thresholds.amber)) return 'amber';
  return 'green';
}

/** How many readings before the latest one the rules look at, the latest included. */
export function windowSize(kpi: Kpi): number {
  const { red_points, ambers_to_red, worsening_trend } = kpi.escalation;
  return Math.max(1, red_points, ambers_to_red, worsening_trend);
}

/** Formats a value with the KPI's unit: `85%`, `3000 ppm`. */
export function formatValue(kpi: Pick<Kpi, 'unit'>, value: number): string {
  const number = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return kpi.unit === '%' ? `${number}%` : `${number} ${kpi.unit}`;
}

/**
 * The status after the latest of `readings` (time order; only the last `windowSize` are
 * looked at), with every rule that fired.
 */
export function evaluateLatest(readings: readonly Reading[], kpi: Kpi, thresholds: Thresholds): Evaluation {
  const last = readings.at(-1);
  if (!last) return { level: 'green', hits: [] };
  const { red_points, ambers_to_red, worsening_trend } = kpi.escalation;
  const level = (reading: Reading) => levelOf(reading.value, thresholds, kpi.direction);
  const tail = (count: number) => (readings.length >= count ? readings.slice(-count) : undefined);
  const values = (list: readonly Reading[]) => list.map((reading) => formatValue(kpi, reading.value)).join(' → ');
  const worse = kpi.direction === 'lower' ? 'above' : 'below';
  const hits: RuleHit[] = [];

  const reds = tail(red_points);
  if (reds?.every((reading) => level(reading) === 'red')) {
    hits.push({
      rule: 'red_point',
      level: 'red',
      readings: reds,
      message:
        red_points === 1
          ? `${formatValue(kpi, last.value)} is ${worse} the red threshold ${formatValue(kpi, thresholds.red)}`
          : `${red_points} readings in a row ${worse} the red threshold ${formatValue(kpi, thresholds.red)}: ${values(reds)}`,
    });
  }
  const ambers = ambers_to_red > 0 ? tail(ambers_to_red) : undefined;
  if (ambers?.every((reading) => level(reading) !== 'green')) {
    hits.push({
      rule: 'ambers_to_red',
      level: 'red',
      readings: ambers,
      message: `${ambers_to_red} readings in a row at amber or worse (${worse} ${formatValue(kpi, thresholds.amber)}): ${values(ambers)}`,
    });
  }
  if (level(last) !== 'green' && !hits.some((hit) => hit.rule === 'red_point')) {
    hits.push({
      rule: 'amber_point',
      level: 'amber',
      readings: [last],
      message:
        level(last) === 'red'
          ? `${formatValue(kpi, last.value)} is ${worse} the red threshold ${formatValue(kpi, thresholds.red)}, amber until ${red_points} in a row`
          : `${formatValue(kpi, last.value)} is ${worse} the amber threshold ${formatValue(kpi, thresholds.amber)}`,
    });
  }
  const run = worsening_trend > 0 ? tail(worsening_trend) : undefined;
  if (run?.every((reading, i) => i === 0 || isWorse(kpi.direction, reading.value, (run[i - 1] as Reading).value))) {
    hits.push({
      rule: 'worsening_trend',
      level: 'amber',
      readings: run,
      message: `${worsening_trend} readings in a row, each worse than the one before: ${values(run)}`,
    });
  }
  const top = hits.reduce<KpiLevel>(
    (best, hit) => (LEVEL_RANK[hit.level] > LEVEL_RANK[best] ? hit.level : best),
    'green',
  );
  return { level: top, hits };
}

/** The status after each reading (time order). */
export function statusTimeline(readings: readonly Reading[], kpi: Kpi, thresholds: Thresholds): KpiLevel[] {
  const window = windowSize(kpi);
  return readings.map(
    (_, i) => evaluateLatest(readings.slice(Math.max(0, i - window + 1), i + 1), kpi, thresholds).level,
  );
}

/** Least-squares trend over the last readings (up to the trend rule's length, at least 5). */
export function trendOf(readings: readonly Reading[], kpi: Kpi, thresholds: Thresholds): Trend {
  const points = readings.slice(-Math.max(5, kpi.escalation.worsening_trend));
  const n = points.length;
  if (n < 3) return { direction: 'not_enough_data', slope: 0, points: n };
  const meanX = (n - 1) / 2;
  const meanY = points.reduce((sum, reading) => sum + reading.value, 0) / n;
  let num = 0;
  let den = 0;
  points.forEach((reading, x) => {
    num += (x - meanX) * (reading.value - meanY);
    den += (x - meanX) ** 2;
  });
  const slope = num / den;
  // Within a tenth of the target-to-amber band over the window: noise, not a trend.
  const band = Math.abs(thresholds.amber - thresholds.target) || Math.abs(thresholds.red - thresholds.target) || 1;
  if (Math.abs(slope * (n - 1)) < band / 10) return { direction: 'stable', slope, points: n };
  const worsening = isWorse(kpi.direction, slope, 0);
  return { direction: worsening ? 'worsening' : 'improving', slope, points: n };
}

/** The thresholds and escalation rules of one series, in plain words for a huddle board. */
export function describeRules(kpi: Kpi, thresholds: Thresholds): string[] {
  const lower = kpi.direction === 'lower';
  const worse = lower ? 'above' : 'below';
  const { red_points, ambers_to_red, worsening_trend } = kpi.escalation;
  const rules = [
    `Target: ${formatValue(kpi, thresholds.target)} or ${lower ? 'less' : 'more'} (${lower ? 'lower' : 'higher'} is better).`,
    `Amber when a reading is ${worse} ${formatValue(kpi, thresholds.amber)}.`,
    red_points === 1
      ? `Red when a reading is ${worse} ${formatValue(kpi, thresholds.red)}.`
      : `Red when ${red_points} readings in a row are ${worse} ${formatValue(kpi, thresholds.red)} (one alone is amber).`,
  ];
  if (ambers_to_red > 0) rules.push(`Red after ${ambers_to_red} readings in a row at amber or worse.`);
  if (worsening_trend > 0)
    rules.push(`Amber when ${worsening_trend} readings in a row each get worse than the one before.`);
  return rules;
}
