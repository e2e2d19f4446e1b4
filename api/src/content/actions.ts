/**
 * Corrective actions' states, shared vocabulary of the content model: what an RCA's
 * `<CorrectiveAction status>` may say, and which of those count as still open. The
 * checker validates against it, the index stores it, the API filters on it, `hansei
 * review`, the handover and the portal read it.
 */
import type { CorrectiveAction } from './structure.ts';

/** Every status a corrective action may have. */
export const ACTION_STATUSES = ['open', 'in-progress', 'done', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** The statuses of an action not yet done or cancelled. */
export const OPEN_ACTION_STATUSES: readonly ActionStatus[] = ['open', 'in-progress'];

/** A corrective action not yet done or cancelled. */
export function isOpenAction(action: Pick<CorrectiveAction, 'status'>): boolean {
  return (OPEN_ACTION_STATUSES as readonly string[]).includes(action.status);
}

/** A corrective action still open after its due date. */
export function isActionOverdue(action: Pick<CorrectiveAction, 'status' | 'due'>, today: string): boolean {
  return isOpenAction(action) && action.due < today;
}
