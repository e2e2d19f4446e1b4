/**
 * "Did the fix hold?" A lesson's fix is challenged when, after the lesson was approved,
 * the failure it was meant to stop comes back: a KPI watching its failure mode or
 * equipment goes red again, or a new RCA names the same failure mode and equipment.
 * Defined once for `hansei review`, the API's `Lesson.fixChallenges` and the portal.
 */
import type { FrontMatter } from '../content/schema.ts';
import type { Kpi } from '../content/taxonomy-schema.ts';

/** Why a fix is challenged, by the stable name the API and the CLI report. */
export const CHALLENGE_REASONS = ['kpi_red', 'new_rca'] as const;
export type ChallengeReason = (typeof CHALLENGE_REASONS)[number];

/** What the rule needs to know about a lesson. */
export interface LessonFacts {
  id: string;
  status: FrontMatter['status'];
  businessUnit: string;
  failureModes: readonly string[];
  equipment: readonly string[];
  /** See `approvedOn`. */
  approvedOn: string;
  /** The RCAs the lesson came from (its `source_rca`, RCAs listing it): not recurrences. */
  sourceRcas: readonly string[];
}

export interface RcaFacts {
  id: string;
  title: string;
  status: FrontMatter['status'];
  businessUnit: string;
  failureModes: readonly string[];
  equipment: readonly string[];
  incidentDate: string;
}

/** A red learning trigger, as the rule needs it. */
export interface RedTrigger {
  kpi: string;
  businessUnit: string;
  line: string | null;
  /** ISO 8601 instant of the reading that turned the series red. */
  openedAt: string;
}

export interface FixChallenge {
  reason: ChallengeReason;
  /** The day the lesson was approved (see `approvedOn`). */
  since: string;
  /** When the failure came back: the first red after approval, or the RCA's incident date. */
  at: string;
  /** For `kpi_red`: how many times the series went red since approval. */
  count: number;
  kpi: string | null;
  businessUnit: string | null;
  line: string | null;
  rca: string | null;
  message: string;
}

/**
 * The day a lesson was approved: the last time a steward verified it (`reviewed.on`), else
 * when it was written. A steward re-verifying a lesson after improving its fix starts a
 * new period in which recurrences count again.
 */
export function approvedOn(frontMatter: Pick<FrontMatter, 'reviewed' | 'created'>): string {
  return frontMatter.reviewed?.on ?? frontMatter.created;
}

/** True when one term is the other or one of its descendants. */
function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

const shares = (ours: readonly string[], theirs: readonly string[]) =>
  ours.some((a) => theirs.some((b) => related(a, b)));

/** Whether a red of this KPI in `businessUnit` is the lesson's failure coming back. */
export function kpiChallenges(lesson: LessonFacts, kpi: Kpi, businessUnit: string): boolean {
  if (lesson.equipment.some((id) => kpi.watches.equipment.includes(id))) return true;
  return lesson.businessUnit === businessUnit && shares(lesson.failureModes, kpi.watches.failure_modes);
}

/** Whether an RCA names the lesson's failure mode and equipment (its unit when it has none). */
export function rcaChallenges(lesson: LessonFacts, rca: RcaFacts): boolean {
  if (lesson.sourceRcas.includes(rca.id) || rca.status === 'deprecated') return false;
  if (!shares(lesson.failureModes, rca.failureModes)) return false;
  return lesson.equipment.length > 0
    ? lesson.equipment.some((id) => rca.equipment.includes(id))
    : lesson.businessUnit === rca.businessUnit;
}

/** Every approved lesson's challenges, by lesson id (lessons whose fix holds are absent). */
export function fixChallenges(
  lessons: Iterable<LessonFacts>,
  input: {
    rcas: readonly RcaFacts[];
    redTriggers: readonly RedTrigger[];
    kpis: ReadonlyMap<string, Kpi>;
    label?: (kpi: string) => string;
  },
): Map<string, FixChallenge[]> {
  const label = input.label ?? ((id: string) => input.kpis.get(id)?.label ?? id);
  const result = new Map<string, FixChallenge[]>();
  const triggers = [...input.redTriggers].sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  for (const lesson of lessons) {
    if (lesson.status !== 'approved') continue;
    const since = lesson.approvedOn;
    const challenges: FixChallenge[] = [];
    const bySeries = new Map<string, RedTrigger[]>();
    for (const trigger of triggers) {
      const kpi = input.kpis.get(trigger.kpi);
      if (!kpi || trigger.openedAt.slice(0, 10) <= since || !kpiChallenges(lesson, kpi, trigger.businessUnit)) continue;
      const key = `${trigger.kpi}\u0000${trigger.businessUnit}\u0000${trigger.line ?? ''}`;
      bySeries.set(key, [...(bySeries.get(key) ?? []), trigger]);
    }
    for (const list of bySeries.values()) {
      const first = list[0] as RedTrigger;
      const where = first.line ? `${first.businessUnit}, ${first.line}` : first.businessUnit;
      const times = list.length === 1 ? '' : ` (${list.length} times, last on ${list.at(-1)?.openedAt.slice(0, 10)})`;
      challenges.push({
        reason: 'kpi_red',
        since,
        at: first.openedAt,
        count: list.length,
        kpi: first.kpi,
        businessUnit: first.businessUnit,
        line: first.line,
        rca: null,
        message: `recurrence: ${label(first.kpi)} (${where}) went red on ${first.openedAt.slice(0, 10)}${times}, since the lesson was approved on ${since}`,
      });
    }
    for (const rca of input.rcas) {
      if (rca.incidentDate <= since || !rcaChallenges(lesson, rca)) continue;
      challenges.push({
        reason: 'new_rca',
        since,
        at: rca.incidentDate,
        count: 1,
        kpi: null,
        businessUnit: rca.businessUnit,
        line: null,
        rca: rca.id,
        message: `recurrence: ${rca.id} "${rca.title}" (incident ${rca.incidentDate}) names the same failure mode and equipment, since the lesson was approved on ${since}`,
      });
    }
    if (challenges.length > 0)
      result.set(
        lesson.id,
        challenges.sort((a, b) => a.at.localeCompare(b.at)),
      );
  }
  return result;
}

/** The facts of a lesson's front matter (`listedBy`: RCAs listing it in `lessons`). */
export function lessonFacts(frontMatter: FrontMatter, listedBy: readonly string[] = []): LessonFacts | undefined {
  if (frontMatter.kind !== 'lesson') return undefined;
  return {
    id: frontMatter.id,
    status: frontMatter.status,
    businessUnit: frontMatter.business_unit,
    failureModes: frontMatter.failure_modes,
    equipment: frontMatter.equipment,
    approvedOn: approvedOn(frontMatter),
    sourceRcas: [...(frontMatter.source_rca ? [frontMatter.source_rca] : []), ...listedBy],
  };
}

/** The facts of an RCA's front matter. */
export function rcaFacts(frontMatter: FrontMatter): RcaFacts | undefined {
  if (frontMatter.kind !== 'rca') return undefined;
  return {
    id: frontMatter.id,
    title: frontMatter.title,
    status: frontMatter.status,
    businessUnit: frontMatter.business_unit,
    failureModes: frontMatter.failure_modes,
    equipment: frontMatter.equipment,
    incidentDate: frontMatter.incident_date,
  };
}

/** Lesson and RCA facts of a whole corpus; RCAs listing a lesson count as its sources. */
export function corpusFacts(frontMatters: Iterable<FrontMatter>): { lessons: LessonFacts[]; rcas: RcaFacts[] } {
  const all = [...frontMatters];
  const listedBy = new Map<string, string[]>();
  for (const fm of all) {
    if (fm.kind === 'rca') for (const id of fm.lessons) listedBy.set(id, [...(listedBy.get(id) ?? []), fm.id]);
  }
  return {
    lessons: all.flatMap((fm) => lessonFacts(fm, listedBy.get(fm.id)) ?? []),
    rcas: all.flatMap((fm) => rcaFacts(fm) ?? []),
  };
}
