/**
 * The rules of frontline feedback ("didn't help — here's why", "suggest a change"), apart
 * from any front end: what a feedback event may carry (every field bounded), and which
 * commit may close it. The API's `recordReuseEvents` and `closeFeedback` and the CLI's
 * `hansei feedback close` all apply these; none repeats them.
 */
import { z } from 'zod';
import {
  FEEDBACK_ORIGINS,
  FEEDBACK_REASONS,
  type FeedbackOrigin,
  type FeedbackReason,
  MAX_FEEDBACK_TEXT,
  SECTION_ANCHOR_PATTERN,
} from '../content/feedback-vocabulary.ts';
import { MAX_SECTION_ANCHOR } from '../content/sections.ts';

/** C0/C1 control characters other than tab and line breaks: never part of honest text. */
const CONTROL = /(?![\t\n\r])\p{Cc}/u;

/** What a feedback event carries besides the document (no personal data is asked for). */
export const FeedbackDetailSchema = z.strictObject({
  /** Why it did not help: one of the tap choices. */
  reason: z.enum(FEEDBACK_REASONS),
  /** "Didn't help" on the document, or "suggest a change" on a section. */
  origin: z.enum(FEEDBACK_ORIGINS).default('not_helpful'),
  /** Anchor of the section's heading (`swap-the-battery`); absent for the whole document. */
  section: z
    .string()
    .max(MAX_SECTION_ANCHOR, `a section anchor is at most ${MAX_SECTION_ANCHOR} characters`)
    .regex(SECTION_ANCHOR_PATTERN, 'a section anchor is a heading id: lower-case letters, digits, "-" and "_"')
    .nullish()
    .transform((value) => value ?? null),
  /** What the reader added in their own words, optional; blank counts as none. */
  text: z
    .string()
    .max(MAX_FEEDBACK_TEXT * 2, `the text is at most ${MAX_FEEDBACK_TEXT} characters`)
    .nullish()
    .transform((value) => value?.trim() || null)
    .refine((value) => value === null || [...value].length <= MAX_FEEDBACK_TEXT, {
      message: `the text is at most ${MAX_FEEDBACK_TEXT} characters`,
    })
    .refine((value) => value === null || !CONTROL.test(value), { message: 'the text contains control characters' }),
});

/** A feedback event's detail after validation. */
export interface FeedbackDetail {
  reason: FeedbackReason;
  origin: FeedbackOrigin;
  section: string | null;
  text: string | null;
}

/** A rule a feedback event broke: which field, and why. */
export interface FeedbackProblem {
  field: 'feedback' | 'feedback.reason' | 'feedback.origin' | 'feedback.section' | 'feedback.text';
  message: string;
}

/**
 * Checks the feedback part of an event. Only FEEDBACK events carry one, and every
 * FEEDBACK event must. Returns the cleaned detail, or the first problem.
 */
export function checkFeedback(
  kind: string,
  input: unknown,
): { detail: FeedbackDetail | null; problem?: undefined } | { detail?: undefined; problem: FeedbackProblem } {
  if (kind !== 'feedback') {
    return input === null || input === undefined
      ? { detail: null }
      : { problem: { field: 'feedback', message: 'only FEEDBACK events carry feedback' } };
  }
  if (input === null || input === undefined)
    return { problem: { field: 'feedback', message: 'a FEEDBACK event needs its feedback (a reason at least)' } };
  const parsed = FeedbackDetailSchema.safeParse(input);
  if (parsed.success) return { detail: parsed.data };
  const issue = parsed.error.issues[0];
  const key = issue?.path[0];
  const field =
    key === 'reason' || key === 'origin' || key === 'section' || key === 'text'
      ? (`feedback.${key}` as const)
      : 'feedback';
  return { problem: { field, message: issue?.message ?? 'invalid feedback' } };
}

/** How far a device clock may run ahead of the steward's when a fix is dated. */
export const CLOCK_TOLERANCE_MS = 10 * 60_000;

/** Why a commit cannot close a feedback item, with a stable code. */
export interface FixProblem {
  code: 'FEEDBACK_ALREADY_CLOSED' | 'COMMIT_NOT_LINKED';
  message: string;
}

/** The facts of a candidate fixing commit. */
export interface FixCommit {
  sha: string;
  /** Author date, ISO 8601. */
  date: string;
  message: string;
  /** Whether the commit changed the feedback's document (renames followed). */
  changedDocument: boolean;
}

/**
 * A feedback item is closed by the commit that fixed it: one that changed its document,
 * made after the feedback was given (so "updated after your feedback" is true), and only
 * once — relinking would rewrite what the reader was told.
 */
export function fixProblem(
  feedback: { id: string; documentId: string; occurredAt: string; closedBy: string | null },
  commit: FixCommit,
): FixProblem | undefined {
  if (feedback.closedBy !== null) {
    return {
      code: 'FEEDBACK_ALREADY_CLOSED',
      message: `${feedback.id} was already closed by ${feedback.closedBy.slice(0, 12)}`,
    };
  }
  if (!commit.changedDocument) {
    return {
      code: 'COMMIT_NOT_LINKED',
      message: `commit ${commit.sha.slice(0, 12)} did not change ${feedback.documentId}: link the commit that fixed it`,
    };
  }
  if (Date.parse(commit.date) + CLOCK_TOLERANCE_MS < Date.parse(feedback.occurredAt)) {
    return {
      code: 'COMMIT_NOT_LINKED',
      message: `commit ${commit.sha.slice(0, 12)} (${commit.date}) is older than ${feedback.id} (${feedback.occurredAt}): it cannot be the change made after it`,
    };
  }
  return undefined;
}

/** A commit id as stewards type it: 7 to 64 hex digits. */
export const COMMIT_PATTERN = /^[0-9a-f]{7,64}$/i;
