/**
 * Why a document needs its steward: the signals that it may no longer be true. Calendar
 * reminders alone get ignored, so besides the review SLA the signals are real changes —
 * a document it depends on changed, a term it uses was deprecated, readers said it did
 * not help, its corrective actions ran late, the failure it was meant to stop came back.
 * Pure: history, votes and KPI triggers are passed in.
 */

import { isActionOverdue, isOpenAction } from '../content/actions.ts';
import { TERM_NOUNS } from '../content/check.ts';
import type { ParsedDocument } from '../content/document.ts';
import type { FrontMatter } from '../content/schema.ts';
import { type CorrectiveAction, extractStructure } from '../content/structure.ts';
import { type Taxonomy, TERM_FIELDS } from '../content/taxonomy.ts';
import { corpusFacts, type FixChallenge, fixChallenges, type RedTrigger } from '../kpi/recurrence.ts';
import { isProvisional, rcasOfLesson } from '../model/facts.ts';
import { type ReviewState, reviewState } from './review-state.ts';

/** The signals, by stable name (used in JSON output). */
export type Signal = 'sla' | 'dependency_changed' | 'deprecated_term' | 'not_helpful' | 'action_overdue' | 'recurrence';

/** One reason a document needs review. */
export interface Reason {
  signal: Signal;
  /** `overdue`: review now. `due_soon`: the SLA runs out within `DUE_SOON_DAYS`. */
  urgency: 'overdue' | 'due_soon';
  message: string;
}

/** A commit that changed a document. */
export interface Change {
  /** Author date, YYYY-MM-DD. */
  date: string;
  sha: string;
  message: string;
}

/** "Not helpful" votes of one document on one day. */
export interface DailyVotes {
  day: string;
  count: number;
}

/** What the signals are computed from. */
export interface StalenessInput {
  documents: readonly ParsedDocument[];
  taxonomy: Taxonomy;
  /** YYYY-MM-DD. */
  today: string;
  /** Commits that changed each document (by id), newest first; absent outside git. */
  history?: ReadonlyMap<string, readonly Change[]>;
  /** "Not helpful" votes per document id; absent without an events store. */
  notHelpful?: ReadonlyMap<string, readonly DailyVotes[]>;
  /** Votes since the last review that make a document due. */
  notHelpfulThreshold: number;
  /** Red learning triggers of the KPIs (`kpis.yaml`); absent without an events store. */
  redTriggers?: readonly RedTrigger[];
}

/** A document that needs review, and why. */
export interface StaleDocument {
  document: ParsedDocument;
  state: ReviewState;
  urgency: 'overdue' | 'due_soon';
  reasons: Reason[];
}

/** A lesson whose RCA still has open corrective actions: its fix is not proven yet. */
export interface ProvisionalLesson {
  document: ParsedDocument;
  rca: ParsedDocument;
  openActions: CorrectiveAction[];
}

/** Default threshold of "not helpful" votes since the last review. */
export const NOT_HELPFUL_THRESHOLD = 3;

/** Every document that needs review (deprecated documents are retired and never do). */
export function findStale(input: StalenessInput): StaleDocument[] {
  const byId = new Map(input.documents.map((document) => [document.frontMatter.id, document]));
  const { lessons, rcas } = corpusFacts(input.documents.map((document) => document.frontMatter));
  const challenged = fixChallenges(lessons, {
    rcas,
    redTriggers: input.redTriggers ?? [],
    kpis: input.taxonomy.kpis,
  });
  const stale: StaleDocument[] = [];
  for (const document of input.documents) {
    const fm = document.frontMatter;
    if (fm.status === 'deprecated') continue;
    const state = reviewState(fm, input.taxonomy.businessUnits.get(fm.business_unit)?.review_policy, input.today);
    const reasons = [
      ...slaReasons(state, fm),
      ...dependencyReasons(fm, state.since, byId, input.history),
      ...deprecatedTermReasons(fm, input.taxonomy),
      ...voteReasons(fm.id, state.since, input),
      ...actionReasons(document, input.today),
      ...recurrenceReasons(challenged.get(fm.id)),
    ];
    if (reasons.length === 0) continue;
    const urgency = reasons.some((reason) => reason.urgency === 'overdue') ? 'overdue' : 'due_soon';
    stale.push({ document, state, urgency, reasons });
  }
  return stale;
}

/** Lessons whose RCA (by `source_rca`, or listing them in `lessons`) has open actions. */
export function findProvisional(documents: readonly ParsedDocument[]): ProvisionalLesson[] {
  const byId = new Map(documents.map((document) => [document.frontMatter.id, document]));
  const listedBy = new Map<string, string[]>();
  for (const { frontMatter: fm } of documents) {
    if (fm.kind === 'rca')
      for (const lesson of fm.lessons) listedBy.set(lesson, [...(listedBy.get(lesson) ?? []), fm.id]);
  }
  const provisional: ProvisionalLesson[] = [];
  for (const document of documents) {
    const fm = document.frontMatter;
    if (fm.kind !== 'lesson') continue;
    for (const rcaId of rcasOfLesson(fm.source_rca, listedBy.get(fm.id) ?? [])) {
      const rca = byId.get(rcaId);
      if (rca?.frontMatter.kind !== 'rca') continue;
      const actions = extractStructure(rca).actions;
      if (isProvisional(fm.status, [actions]))
        provisional.push({ document, rca, openActions: actions.filter(isOpenAction) });
    }
  }
  return provisional;
}

function slaReasons(state: ReviewState, fm: FrontMatter): Reason[] {
  if (state.status === 'ok') return [];
  const basis = `${fm.reviewed ? `last verified ${state.since}` : `never verified since it was written on ${state.since}`}, every ${state.interval}`;
  return state.status === 'overdue'
    ? [{ signal: 'sla', urgency: 'overdue', message: `review SLA expired on ${state.nextReview} (${basis})` }]
    : [{ signal: 'sla', urgency: 'due_soon', message: `review due by ${state.nextReview} (${basis})` }];
}

/** What a document depends on: for a lesson, the SOPs it was applied in and its RCA. */
function dependenciesOf(fm: FrontMatter): { id: string; role: string }[] {
  if (fm.kind !== 'lesson') return [];
  return [
    ...(fm.source_rca ? [{ id: fm.source_rca, role: 'the RCA it came from' }] : []),
    ...fm.applied_in.map((id) => ({ id, role: 'an SOP it was applied in' })),
  ];
}

/**
 * Dependencies changed after the last review. A commit that also changed the document
 * itself does not count: that is one change made together (the SOP edited to apply the
 * lesson, an import of both), not a change the document has not caught up with.
 */
function dependencyReasons(
  fm: FrontMatter,
  since: string,
  byId: ReadonlyMap<string, ParsedDocument>,
  history: ReadonlyMap<string, readonly Change[]> | undefined,
): Reason[] {
  if (!history) return [];
  const own = new Set((history.get(fm.id) ?? []).map((change) => change.sha));
  const reasons: Reason[] = [];
  for (const { id, role } of dependenciesOf(fm)) {
    const change = byId.has(id) ? history.get(id)?.find((candidate) => !own.has(candidate.sha)) : undefined;
    if (!change || change.date <= since) continue;
    const review = fm.reviewed ? `its last review on ${since}` : `it was written on ${since}`;
    reasons.push({
      signal: 'dependency_changed',
      urgency: 'overdue',
      message: `${id} (${role}) changed on ${change.date}, after ${review}: ${change.sha.slice(0, 7)} "${change.message}"`,
    });
  }
  return reasons;
}

function deprecatedTermReasons(fm: FrontMatter, taxonomy: Taxonomy): Reason[] {
  const reasons: Reason[] = [];
  for (const [field, dimension] of Object.entries(TERM_FIELDS) as [keyof typeof TERM_FIELDS, keyof Taxonomy][]) {
    const terms = taxonomy[dimension] as ReadonlyMap<string, { deprecated: boolean; replaced_by?: string }>;
    const value = fm[field];
    for (const id of Array.isArray(value) ? value : [value]) {
      const term = terms.get(id);
      if (!term?.deprecated) continue;
      const instead = term.replaced_by ? ` (use "${term.replaced_by}")` : '';
      reasons.push({
        signal: 'deprecated_term',
        urgency: 'overdue',
        message: `uses the deprecated ${TERM_NOUNS[field]} "${id}"${instead}`,
      });
    }
  }
  return reasons;
}

function voteReasons(id: string, since: string, input: StalenessInput): Reason[] {
  const days = input.notHelpful?.get(id);
  if (!days) return [];
  const votes = days.filter((day) => day.day > since && day.day <= input.today).reduce((sum, d) => sum + d.count, 0);
  if (votes < input.notHelpfulThreshold) return [];
  return [
    {
      signal: 'not_helpful',
      urgency: 'overdue',
      message: `${votes} "not helpful" votes since ${since} (threshold ${input.notHelpfulThreshold})`,
    },
  ];
}

/** The failure a lesson was meant to stop came back after its approval: did the fix hold? */
function recurrenceReasons(challenges: readonly FixChallenge[] | undefined): Reason[] {
  return (challenges ?? []).map((challenge) => ({
    signal: 'recurrence' as const,
    urgency: 'overdue' as const,
    message: challenge.message,
  }));
}

function actionReasons(document: ParsedDocument, today: string): Reason[] {
  if (document.kind !== 'rca') return [];
  return extractStructure(document)
    .actions.filter((action) => isActionOverdue(action, today))
    .map((action) => ({
      signal: 'action_overdue' as const,
      urgency: 'overdue' as const,
      message: `corrective action ${action.id} (${action.owner}) was due on ${action.due} and is still ${action.status}`,
    }));
}
