/**
 * Closing a feedback item: a steward links the commit that fixed it, so what the reader
 * said is traceable to the change. One procedure for `hansei feedback close` (commits
 * from git) and the API's `closeFeedback` (commits from the index); each passes in how
 * it finds the commit.
 */
import type { Client } from '@libsql/client';
import { MAX_FEEDBACK_TEXT, parseFeedbackId } from '../content/feedback-vocabulary.ts';
import { COMMIT_PATTERN, type FixCommit, fixProblem } from './feedback-rules.ts';
import { type FeedbackRecord, feedbackBySeq, recordFix } from './feedback-store.ts';

/** Why a close was refused, with the stable code both front ends report. */
export interface CloseProblem {
  code: 'BAD_USER_INPUT' | 'FEEDBACK_NOT_FOUND' | 'FEEDBACK_ALREADY_CLOSED' | 'COMMIT_NOT_LINKED';
  message: string;
}

export interface CloseFeedbackOptions {
  /** `FB-12` (or `12`). */
  id: string;
  /** The fixing commit: a full id or a prefix of at least 7 hex digits. */
  commit: string;
  /** Finds the commit among those that changed the document; `ambiguous` for a short prefix. */
  findCommit: (documentId: string, commit: string) => Promise<FixCommit | 'ambiguous' | undefined>;
  /** Who links it (a token name, `cli:<git user>`). */
  closedBy: string;
  note?: string | null;
  /** ISO 8601. */
  now: string;
}

/** Links feedback to its fixing commit, or says why not. */
export async function closeFeedback(
  events: Client,
  options: CloseFeedbackOptions,
): Promise<{ record: FeedbackRecord; problem?: undefined } | { record?: undefined; problem: CloseProblem }> {
  const seq = parseFeedbackId(options.id);
  if (seq === undefined)
    return {
      problem: { code: 'BAD_USER_INPUT', message: `"${options.id.slice(0, 40)}" is not a feedback id like FB-12` },
    };
  if (!COMMIT_PATTERN.test(options.commit))
    return { problem: { code: 'BAD_USER_INPUT', message: 'a commit is 7 to 64 hex digits' } };
  const note = options.note?.trim() || null;
  if (note !== null && [...note].length > MAX_FEEDBACK_TEXT)
    return { problem: { code: 'BAD_USER_INPUT', message: `a note is at most ${MAX_FEEDBACK_TEXT} characters` } };
  const feedback = await feedbackBySeq(events, seq);
  if (!feedback) return { problem: { code: 'FEEDBACK_NOT_FOUND', message: `no feedback ${options.id}` } };
  const found = await options.findCommit(feedback.documentId, options.commit);
  if (found === 'ambiguous') {
    return {
      problem: { code: 'BAD_USER_INPUT', message: `commit ${options.commit} is ambiguous: give more of its id` },
    };
  }
  const commit: FixCommit = found ?? { sha: options.commit, date: '', message: '', changedDocument: false };
  const problem = fixProblem({ ...feedback, closedBy: feedback.fix?.commit ?? null }, commit);
  if (problem) return { problem };
  const linked = await recordFix(
    events,
    seq,
    { commit: commit.sha, date: commit.date, message: commit.message, closedBy: options.closedBy, note },
    options.now,
  );
  const record = await feedbackBySeq(events, seq);
  if (!linked || !record?.fix) {
    return {
      problem: { code: 'FEEDBACK_ALREADY_CLOSED', message: `${feedback.id} was closed by someone else just now` },
    };
  }
  return { record };
}
