/**
 * The KPI rules on generated streams of readings with fixed dates: each escalation rule,
 * both directions, per-unit and per-line thresholds, the trend, the rules in words; the
 * knowledge that applies; and "did the fix hold?".
 */
import { describe, expect, it } from 'vitest';
import { thresholdProblem } from '../api/src/content/kpi-check.ts';
import { type Kpi, KpiSchema } from '../api/src/content/taxonomy-schema.ts';
import { applicableKnowledge, type KnowledgeCandidate } from '../api/src/kpi/knowledge.ts';
import { fixChallenges, type LessonFacts, type RcaFacts } from '../api/src/kpi/recurrence.ts';
import {
  describeRules,
  evaluateLatest,
  levelOf,
  type Reading,
  resolveScope,
  scopesOf,
  statusTimeline,
  trendOf,
} from '../api/src/kpi/rules.ts';

/** A stream of readings every 8 hours from 2026-11-01 06:00 UTC. */
function stream(values: number[], start = Date.parse('2026-11-01T06:00:00Z')): Reading[] {
  return values.map((value, i) => ({
    clientId: `r-${i}`,
    value,
    measuredAt: new Date(start + i * 8 * 3_600_000).toISOString(),
  }));
}

const torque: Kpi = KpiSchema.parse({
  id: 'torque-nok',
  label: 'Torque NOK rate',
  unit: '%',
  direction: 'lower',
  target: 0.5,
  amber: 1,
  red: 2,
  escalation: { red_points: 1, ambers_to_red: 3, worsening_trend: 4 },
  owner: 'c.steward',
  measured_in: [
    { business_unit: 'assembly', lines: ['line-3'] },
    { business_unit: 'assembly', lines: ['line-4'], target: 1, amber: 2, red: 4 },
    { business_unit: 'quality' },
  ],
  watches: { failure_modes: ['fastener.under-torque'], equipment: ['TG-1'], processes: ['assembly.fastening'] },
});

const oee: Kpi = KpiSchema.parse({
  id: 'press-oee',
  label: 'Press OEE',
  unit: '%',
  direction: 'higher',
  target: 85,
  amber: 80,
  red: 70,
  escalation: { red_points: 2, ambers_to_red: 0, worsening_trend: 3 },
  owner: 'a.steward',
  measured_in: [{ business_unit: 'press' }],
  watches: { failure_modes: ['die.crack'], equipment: ['PR-1'] },
});

const line3 = { target: 0.5, amber: 1, red: 2 };
const oeeThresholds = { target: 85, amber: 80, red: 70 };
const rules = (kpi: Kpi, values: number[], thresholds: typeof line3) =>
  evaluateLatest(stream(values), kpi, thresholds).hits.map((hit) => hit.rule);

describe('levels and direction', () => {
  it('reads "worse" as higher when lower is better, and as lower when higher is better', () => {
    expect([0.4, 1, 1.01, 2, 2.5].map((value) => levelOf(value, line3, 'lower'))).toEqual([
      'green',
      'green', // at the threshold is not worse than it
      'amber',
      'amber',
      'red',
    ]);
    expect([90, 80, 79.9, 70, 69].map((value) => levelOf(value, oeeThresholds, 'higher'))).toEqual([
      'green',
      'green',
      'amber',
      'amber',
      'red',
    ]);
  });
});

describe('escalation rules on generated streams', () => {
  it('turns red on one point beyond red (red_points 1)', () => {
    const result = evaluateLatest(stream([0.4, 0.5, 2.6]), torque, line3);
    expect(result.level).toBe('red');
    expect(result.hits[0]).toMatchObject({ rule: 'red_point', level: 'red' });
    expect(result.hits[0]?.readings.map((r) => r.value)).toEqual([2.6]);
    expect(result.hits[0]?.message).toBe('2.6% is above the red threshold 2%');
  });

  it('needs red_points readings in a row beyond red; one alone is amber', () => {
    const one = evaluateLatest(stream([84, 86, 65]), oee, oeeThresholds);
    expect(one.level).toBe('amber');
    expect(one.hits.map((hit) => hit.rule)).toEqual(['amber_point']);
    expect(one.hits[0]?.message).toContain('amber until 2 in a row');
    const two = evaluateLatest(stream([84, 86, 65, 66]), oee, oeeThresholds);
    expect(two.level).toBe('red');
    expect(two.hits[0]?.readings.map((r) => r.value)).toEqual([65, 66]);
  });

  it('turns red after N consecutive ambers, not before, and a green reading resets the run', () => {
    expect(rules(torque, [1.2, 1.3], line3)).toEqual(['amber_point']);
    const three = evaluateLatest(stream([0.3, 1.2, 1.3, 1.1]), torque, line3);
    expect(three.level).toBe('red');
    expect(three.hits.map((hit) => hit.rule)).toEqual(['ambers_to_red', 'amber_point']);
    expect(three.hits[0]?.readings.map((r) => r.value)).toEqual([1.2, 1.3, 1.1]);
    expect(evaluateLatest(stream([1.2, 1.3, 0.9, 1.1]), torque, line3).level).toBe('amber');
  });

  it('turns amber on a worsening trend over M readings while every reading is green', () => {
    // Lower is better: 0.2 → 0.4 → 0.6 → 0.8 gets worse each time, all under amber (1).
    const rising = evaluateLatest(stream([0.2, 0.4, 0.6, 0.8]), torque, line3);
    expect(rising.level).toBe('amber');
    expect(rising.hits.map((hit) => hit.rule)).toEqual(['worsening_trend']);
    expect(rising.hits[0]?.message).toBe(
      '4 readings in a row, each worse than the one before: 0.2% → 0.4% → 0.6% → 0.8%',
    );
    // Three worsening readings are not yet a trend of four; a flat one breaks it.
    expect(evaluateLatest(stream([0.4, 0.6, 0.8]), torque, line3).level).toBe('green');
    expect(evaluateLatest(stream([0.2, 0.4, 0.4, 0.8]), torque, line3).level).toBe('green');
    // Higher is better: falling OEE is the worsening trend.
    expect(evaluateLatest(stream([95, 92, 88]), oee, oeeThresholds).hits.map((hit) => hit.rule)).toEqual([
      'worsening_trend',
    ]);
    expect(evaluateLatest(stream([88, 92, 95]), oee, oeeThresholds).level).toBe('green');
  });

  it('gives the status after every reading of a stream', () => {
    expect(statusTimeline(stream([0.4, 1.2, 1.3, 1.1, 0.4, 2.5, 0.3]), torque, line3)).toEqual([
      'green',
      'amber',
      'amber',
      'red',
      'green',
      'red',
      'green',
    ]);
  });
});

describe('thresholds per unit and line', () => {
  it('resolves the thresholds of each series and refuses series the KPI does not have', () => {
    expect(scopesOf(torque, 'assembly').map((s) => [s.line, s.thresholds.red])).toEqual([
      ['line-3', 2],
      ['line-4', 4],
    ]);
    expect(scopesOf(torque, 'quality')).toEqual([
      { businessUnit: 'quality', line: null, thresholds: { target: 0.5, amber: 1, red: 2 } },
    ]);
    expect(resolveScope(torque, 'assembly', 'line-9')).toEqual({
      problem: 'KPI torque-nok has no line "line-9" in assembly; lines: line-3, line-4',
    });
    expect(resolveScope(torque, 'assembly', null)).toHaveProperty('problem');
    expect(resolveScope(torque, 'quality', 'line-3')).toHaveProperty('problem');
    expect(resolveScope(torque, 'press', null)).toHaveProperty('problem');
  });

  it('evaluates the same readings against each line’s thresholds', () => {
    const line4 = scopesOf(torque, 'assembly')[1]?.thresholds ?? line3;
    expect(evaluateLatest(stream([0.3, 1.5]), torque, line3).level).toBe('amber');
    expect(evaluateLatest(stream([0.3, 1.5]), torque, line4).level).toBe('green');
    expect(evaluateLatest(stream([0.3, 3]), torque, line3).level).toBe('red');
    expect(evaluateLatest(stream([0.3, 3]), torque, line4).level).toBe('amber');
  });

  it('checks that amber lies between target and red for the direction', () => {
    expect(thresholdProblem('lower', { target: 0.5, amber: 1, red: 2 }, 0, 100)).toBeUndefined();
    expect(thresholdProblem('lower', { target: 1, amber: 3, red: 2 }, undefined, undefined)).toContain(
      'target ≤ amber < red',
    );
    expect(thresholdProblem('higher', { target: 85, amber: 80, red: 70 }, 0, 100)).toBeUndefined();
    expect(thresholdProblem('higher', { target: 85, amber: 90, red: 70 }, 0, 100)).toContain('target ≥ amber > red');
    expect(thresholdProblem('higher', { target: 85, amber: 80, red: 70 }, 75, 100)).toBe(
      "70 is below the KPI's min 75",
    );
  });
});

describe('trend and rules in words', () => {
  it('says which way a series moves, in the KPI’s direction', () => {
    expect(trendOf(stream([0.4, 0.6, 0.9, 1.1, 1.4]), torque, line3).direction).toBe('worsening');
    expect(trendOf(stream([1.4, 1.1, 0.9, 0.6, 0.4]), torque, line3).direction).toBe('improving');
    expect(trendOf(stream([0.5, 0.51, 0.5, 0.49, 0.5]), torque, line3).direction).toBe('stable');
    expect(trendOf(stream([70, 75, 80, 85, 90]), oee, oeeThresholds).direction).toBe('improving');
    expect(trendOf(stream([1, 2]), torque, line3).direction).toBe('not_enough_data');
  });

  it('writes the thresholds and escalation rules for a huddle board', () => {
    expect(describeRules(torque, line3)).toEqual([
      'Target: 0.5% or less (lower is better).',
      'Amber when a reading is above 1%.',
      'Red when a reading is above 2%.',
      'Red after 3 readings in a row at amber or worse.',
      'Amber when 4 readings in a row each get worse than the one before.',
    ]);
    expect(describeRules(oee, oeeThresholds)).toEqual([
      'Target: 85% or more (higher is better).',
      'Amber when a reading is below 80%.',
      'Red when 2 readings in a row are below 70% (one alone is amber).',
      'Amber when 3 readings in a row each get worse than the one before.',
    ]);
  });
});

describe('knowledge that applies', () => {
  const doc = (id: string, overrides: Partial<KnowledgeCandidate> = {}): KnowledgeCandidate => ({
    id,
    kind: 'lesson',
    status: 'approved',
    businessUnit: 'assembly',
    failureModes: ['fastener', 'fastener.under-torque'],
    processes: ['assembly', 'assembly.fastening'],
    equipment: ['TG-1'],
    superseded: false,
    ...overrides,
  });

  it('ranks by what it shares and by the search factors; leaves out RCAs, retired and replaced knowledge', () => {
    const ranked = applicableKnowledge(
      torque,
      'assembly',
      [
        doc('LL-0001', { status: 'draft' }),
        doc('LL-0002'),
        doc('LL-0003', { equipment: [] }),
        doc('SOP-0001', { kind: 'sop' }),
        doc('LL-0004', { status: 'deprecated' }),
        doc('LL-0005', { superseded: true }),
        doc('RCA-0001', { kind: 'rca' }),
        doc('LL-0006', { failureModes: ['die', 'die.crack'], processes: ['stamping'], equipment: ['PR-1'] }),
      ],
      new Map([['SOP-0001', 40]]),
    );
    // SOP-0001 is reused most; LL-0003 shares no equipment (6) but outranks the draft LL-0001 (9 × 0.6).
    expect(ranked.map((item) => item.id)).toEqual(['SOP-0001', 'LL-0002', 'LL-0003', 'LL-0001']);
    expect(ranked[1]?.reasons).toEqual([
      'failure mode fastener.under-torque',
      'equipment TG-1',
      'process assembly.fastening',
      'from assembly',
    ]);
    // Draft knowledge weighs 0.6 of approved, as in search.
    expect((ranked[3]?.score ?? 0) / (ranked[1]?.score ?? 1)).toBeCloseTo(0.6);
  });
});

describe('did the fix hold?', () => {
  const lesson: LessonFacts = {
    id: 'LL-0002',
    status: 'approved',
    businessUnit: 'assembly',
    failureModes: ['fastener.under-torque'],
    equipment: ['TG-1'],
    approvedOn: '2026-09-01',
    sourceRcas: ['RCA-0001'],
  };
  const kpis = new Map([[torque.id, torque]]);
  const red = (openedAt: string, businessUnit = 'assembly', line: string | null = 'line-3') => ({
    kpi: torque.id,
    businessUnit,
    line,
    openedAt,
  });
  const rca = (id: string, overrides: Partial<RcaFacts> = {}): RcaFacts => ({
    id,
    title: 'Under-torque on TG-1 again',
    status: 'draft',
    businessUnit: 'assembly',
    failureModes: ['fastener.under-torque'],
    equipment: ['TG-1'],
    incidentDate: '2026-11-10',
    ...overrides,
  });

  it('challenges a fix when a watched KPI goes red after approval, once per series with a count', () => {
    const result = fixChallenges([lesson], {
      rcas: [],
      redTriggers: [red('2026-08-20T06:00:00.000Z'), red('2026-11-20T06:00:00.000Z'), red('2026-11-22T06:00:00.000Z')],
      kpis,
    });
    expect(result.get('LL-0002')).toEqual([
      expect.objectContaining({
        reason: 'kpi_red',
        since: '2026-09-01',
        at: '2026-11-20T06:00:00.000Z',
        count: 2,
        message:
          'recurrence: Torque NOK rate (assembly, line-3) went red on 2026-11-20 (2 times, last on 2026-11-22), since the lesson was approved on 2026-09-01',
      }),
    ]);
  });

  it('does not challenge before approval, drafts, or a red elsewhere that shares nothing', () => {
    const other = { ...lesson, equipment: ['PR-1'] };
    expect(
      fixChallenges([lesson, { ...lesson, id: 'LL-0009', status: 'draft' }, { ...other, id: 'LL-0010' }], {
        rcas: [],
        redTriggers: [red('2026-08-20T06:00:00.000Z'), red('2026-11-20T06:00:00.000Z', 'quality', null)],
        kpis,
      }).size,
    ).toBe(1); // LL-0002 only: TG-1 is watched wherever the KPI is read
    expect(
      fixChallenges([{ ...other, id: 'LL-0010' }], {
        rcas: [],
        redTriggers: [red('2026-11-20T06:00:00.000Z', 'quality', null)],
        kpis,
      }).size,
    ).toBe(0);
  });

  it('challenges a fix when a new RCA names the same failure mode and equipment', () => {
    const result = fixChallenges([lesson], {
      rcas: [
        rca('RCA-0002'),
        rca('RCA-0001'), // the RCA the lesson came from
        rca('RCA-0003', { incidentDate: '2026-08-01' }), // before approval
        rca('RCA-0004', { equipment: ['PR-1'] }), // other equipment
        rca('RCA-0005', { status: 'deprecated' }),
      ],
      redTriggers: [],
      kpis,
    });
    expect(result.get('LL-0002')?.map((challenge) => [challenge.reason, challenge.rca])).toEqual([
      ['new_rca', 'RCA-0002'],
    ]);
    expect(result.get('LL-0002')?.[0]?.message).toBe(
      'recurrence: RCA-0002 "Under-torque on TG-1 again" (incident 2026-11-10) names the same failure mode and equipment, since the lesson was approved on 2026-09-01',
    );
  });
});
