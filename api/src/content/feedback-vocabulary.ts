/**
 * The words of frontline feedback, shared by the API (GraphQL enums are derived from
 * these), the CLI and the portal's feedback form. No imports: the portal bundles this
 * file into the browser.
 */

/** Why a document did not help: the tap choices of the "didn't help" question. */
export const FEEDBACK_REASONS = ['outdated', 'wrong', 'unclear', 'missing_step', 'not_our_line'] as const;
export type FeedbackReason = (typeof FEEDBACK_REASONS)[number];

/** What a reader sees on each choice, and what stewards read in the review. */
export const FEEDBACK_REASON_LABELS: Record<FeedbackReason, string> = {
  outdated: 'Outdated',
  wrong: 'Wrong',
  unclear: 'Unclear',
  missing_step: 'Missing a step',
  not_our_line: 'Does not apply to our line',
};

/** Where feedback was given: after "didn't help", or "suggest a change" on a section. */
export const FEEDBACK_ORIGINS = ['not_helpful', 'suggestion'] as const;
export type FeedbackOrigin = (typeof FEEDBACK_ORIGINS)[number];

export const FEEDBACK_ORIGIN_LABELS: Record<FeedbackOrigin, string> = {
  not_helpful: "Didn't help",
  suggestion: 'Suggested a change',
};

/** Longest free text a reader may add (one or two sentences: the form is not a ticket system). */
export const MAX_FEEDBACK_TEXT = 300;

/**
 * A section anchor as `sections.ts` makes them: lower-case letters of any script, digits,
 * `-` and `_` (GitHub-style slugs), at most 200 characters.
 */
export const SECTION_ANCHOR_PATTERN = /^[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{N}_-]{1,200}$/u;

/** Stewards name feedback as `FB-<number>`. */
export const FEEDBACK_ID_PREFIX = 'FB-';

/** The id stewards use for a feedback item. */
export function feedbackId(seq: number): string {
  return `${FEEDBACK_ID_PREFIX}${seq}`;
}

/** The number of `FB-12` (or `12`), or `undefined` when it is not a feedback id. */
export function parseFeedbackId(id: string): number | undefined {
  const match = /^(?:FB-)?(\d{1,12})$/i.exec(id.trim());
  const seq = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}
