/**
 * The review queue `hansei review` prints: per steward (the documents' owners), what is
 * overdue or due soon and why, the lessons that are still provisional, and the trust
 * score of each business unit. Plain data, rendered by `review-format.ts`.
 */
import { sectionsOf } from '../content/sections.ts';
import type { FeedbackRecord } from '../feedback/feedback-store.ts';
import { type FeedbackDocumentGroup, type FeedbackDocumentInfo, groupFeedback } from '../feedback/feedback-summary.ts';
import { DUE_SOON_DAYS } from './review-state.ts';
import { findProvisional, findStale, type Reason, type StalenessInput } from './staleness.ts';
import { type TrustScore, trustScore } from './trust-score.ts';

export interface ReviewQueueOptions extends StalenessInput {
  /** Only documents of this business unit (and only its trust score). */
  unit?: string;
  /** Only documents this steward owns. */
  steward?: string;
  /** Frontline feedback not yet linked to a fixing commit; absent without an events store. */
  feedback?: readonly FeedbackRecord[];
}

export interface ReviewItem {
  id: string;
  kind: string;
  title: string;
  /** Relative to the content folder. */
  path: string;
  businessUnit: string;
  urgency: 'overdue' | 'due_soon';
  nextReview: string;
  reasons: Reason[];
}

export interface ProvisionalItem {
  id: string;
  title: string;
  path: string;
  rca: string;
  openActions: { id: string; owner: string; due: string; status: string }[];
}

export interface StewardQueue {
  steward: string;
  name: string;
  github: string | null;
  items: ReviewItem[];
  provisional: ProvisionalItem[];
  /** Open feedback on the steward's documents, per document and section, newest first. */
  feedback: FeedbackDocumentGroup[];
}

export interface ReviewQueue {
  today: string;
  dueSoonDays: number;
  notHelpfulThreshold: number;
  /** Which signal sources were available: git history, the events store. */
  sources: { git: boolean; events: boolean };
  stewards: StewardQueue[];
  trust: (TrustScore & { label: string })[];
  totals: { overdue: number; dueSoon: number; provisional: number; openFeedback: number };
}

/** Builds the queue from the documents, the taxonomy and the signal sources. */
export function buildReviewQueue(options: ReviewQueueOptions): ReviewQueue {
  const { taxonomy, today, unit, steward } = options;
  const selected = options.documents.filter(
    (document) =>
      (unit === undefined || document.frontMatter.business_unit === unit) &&
      (steward === undefined || document.frontMatter.owner === steward),
  );
  const queues = new Map<string, StewardQueue>();
  const queueOf = (owner: string): StewardQueue => {
    let queue = queues.get(owner);
    if (!queue) {
      const person = taxonomy.people.get(owner);
      queue = {
        steward: owner,
        name: person?.name ?? owner,
        github: person?.github ?? null,
        items: [],
        provisional: [],
        feedback: [],
      };
      queues.set(owner, queue);
    }
    return queue;
  };
  // Stale documents among the selection; dependencies and RCAs are looked up in all documents.
  const selectedIds = new Set(selected.map((document) => document.frontMatter.id));
  for (const stale of findStale(options)) {
    const fm = stale.document.frontMatter;
    if (!selectedIds.has(fm.id)) continue;
    queueOf(fm.owner).items.push({
      id: fm.id,
      kind: fm.kind,
      title: fm.title,
      path: stale.document.path,
      businessUnit: fm.business_unit,
      urgency: stale.urgency,
      nextReview: stale.state.nextReview,
      reasons: stale.reasons,
    });
  }
  for (const lesson of findProvisional(options.documents)) {
    const fm = lesson.document.frontMatter;
    if (!selectedIds.has(fm.id)) continue;
    queueOf(fm.owner).provisional.push({
      id: fm.id,
      title: fm.title,
      path: lesson.document.path,
      rca: lesson.rca.frontMatter.id,
      openActions: lesson.openActions.map(({ id, owner, due, status }) => ({ id, owner, due, status })),
    });
  }
  if (options.feedback) {
    const infos = new Map<string, FeedbackDocumentInfo>(
      selected.map((document) => [
        document.frontMatter.id,
        {
          title: document.frontMatter.title,
          owner: document.frontMatter.owner,
          businessUnit: document.frontMatter.business_unit,
          sections: sectionsOf(document),
        },
      ]),
    );
    // Feedback on documents outside the selection (another unit, a deleted file) is not this queue's.
    const mine = options.feedback.filter((record) => infos.has(record.documentId));
    for (const group of groupFeedback(mine, infos)) queueOf(group.owner).feedback.push(group);
  }
  const stewards = [...queues.values()].sort((a, b) => a.steward.localeCompare(b.steward));
  for (const queue of stewards) {
    queue.items.sort(
      (a, b) =>
        (a.urgency === b.urgency ? 0 : a.urgency === 'overdue' ? -1 : 1) ||
        a.nextReview.localeCompare(b.nextReview) ||
        a.id.localeCompare(b.id),
    );
    queue.provisional.sort((a, b) => a.id.localeCompare(b.id) || a.rca.localeCompare(b.rca));
  }
  const frontMatters = options.documents.map((document) => document.frontMatter);
  const trust = [...taxonomy.businessUnits.values()]
    .filter((candidate) => unit === undefined || candidate.id === unit)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((candidate) => ({
      ...trustScore(candidate.id, frontMatters, candidate.review_policy, today),
      label: candidate.label,
    }));
  const items = stewards.flatMap((queue) => queue.items);
  return {
    today,
    dueSoonDays: DUE_SOON_DAYS,
    notHelpfulThreshold: options.notHelpfulThreshold,
    sources: {
      git: options.history !== undefined,
      events: options.notHelpful !== undefined || options.feedback !== undefined,
    },
    stewards,
    trust,
    totals: {
      overdue: items.filter((item) => item.urgency === 'overdue').length,
      dueSoon: items.filter((item) => item.urgency === 'due_soon').length,
      provisional: new Set(stewards.flatMap((queue) => queue.provisional.map((item) => item.id))).size,
      openFeedback: stewards.reduce((sum, queue) => sum + queue.feedback.reduce((n, group) => n + group.count, 0), 0),
    },
  };
}
