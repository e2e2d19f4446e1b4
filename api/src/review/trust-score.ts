/**
 * Trust score of a business unit: the share of its approved documents that are within
 * their review SLA (verified within their interval). Drafts and retired documents do
 * not count: the score answers "can a technician rely on what this unit publishes?".
 * The CLI (`hansei review`) and the API (`BusinessUnit.trustScore`) both compute it here.
 */
import type { FrontMatter } from '../content/schema.ts';
import type { ReviewPolicy } from '../content/taxonomy-schema.ts';
import { reviewState } from './review-state.ts';

export interface TrustScore {
  businessUnit: string;
  /** Approved documents of the unit. */
  approved: number;
  /** Of those, documents whose review is not overdue. */
  withinSla: number;
  /** `withinSla / approved`, between 0 and 1; `null` without approved documents. */
  score: number | null;
}

type Scored = Pick<FrontMatter, 'status' | 'business_unit' | 'review_every' | 'severity' | 'reviewed' | 'created'>;

/** The trust score of one unit over `documents` (any units; others are ignored). */
export function trustScore(
  businessUnit: string,
  documents: Iterable<Scored>,
  policy: ReviewPolicy | undefined,
  today: string,
): TrustScore {
  let approved = 0;
  let withinSla = 0;
  for (const fm of documents) {
    if (fm.business_unit !== businessUnit || fm.status !== 'approved') continue;
    approved++;
    if (reviewState(fm, policy, today).status !== 'overdue') withinSla++;
  }
  return { businessUnit, approved, withinSla, score: approved === 0 ? null : withinSla / approved };
}

/** A score as a whole percentage for people, `—` when there is nothing to score. */
export function formatTrust(score: number | null): string {
  return score === null ? '—' : `${Math.round(score * 100)}%`;
}
