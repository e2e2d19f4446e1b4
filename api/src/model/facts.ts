/**
 * The rules behind the facts a document shows beyond what its steward wrote — each defined
 * here once, as a plain function, whatever the shape of the corpus it is applied to (parsed
 * documents in `hansei review`, the index in the API and the portal build):
 *
 * - replaced: an approved document that supersedes it (a draft replaces nothing yet);
 * - provisional: a lesson, not deprecated, whose RCA — its `source_rca`, or an RCA listing
 *   it in `lessons` — still has an open corrective action;
 * - overdue: a corrective action open or in progress past its due date (`content/actions.ts`);
 * - review state: `review/review-state.ts`; typed links: `content/links.ts`.
 */
import { isActionOverdue, isOpenAction } from '../content/actions.ts';
import type { FrontMatter } from '../content/schema.ts';
import type { CorrectiveAction } from '../content/structure.ts';

/** Whether a document with this status replaces what it supersedes. */
export function replacesWhenSuperseding(status: FrontMatter['status']): boolean {
  return status === 'approved';
}

/** The RCAs a lesson came from: its `source_rca`, and every RCA listing it in `lessons`. */
export function rcasOfLesson(sourceRca: string | undefined, listedBy: Iterable<string>): string[] {
  return [...new Set([...(sourceRca ? [sourceRca] : []), ...listedBy])].sort();
}

/** Whether a lesson is provisional, given the corrective actions of each RCA it came from. */
export function isProvisional(
  status: FrontMatter['status'],
  actionsOfItsRcas: readonly (readonly Pick<CorrectiveAction, 'status'>[])[],
): boolean {
  return status !== 'deprecated' && actionsOfItsRcas.some((actions) => actions.some(isOpenAction));
}

/** A corrective action as pages and the API show it: with whether it is overdue today. */
export interface ActionFact extends CorrectiveAction {
  overdue: boolean;
}

/** A corrective action with its overdue flag for `today` (YYYY-MM-DD). */
export function actionFact(action: CorrectiveAction, today: string): ActionFact {
  return { ...action, overdue: isActionOverdue(action, today) };
}
