/**
 * Corrective actions across every root-cause analysis in the index: by status, owner,
 * unit, and whether they are overdue (the rule of `content/actions.ts`, in SQL).
 */
import type { InValue } from '@libsql/client';
import { OPEN_ACTION_STATUSES } from '../../content/actions.ts';
import type { CorrectiveAction } from '../../content/structure.ts';
import type { DatabaseReader } from '../../db/database.ts';
import { marks } from '../../db/in-list.ts';

export interface ActionQuery {
  statuses?: readonly string[] | null;
  /** True: only overdue actions; false: only the others. */
  overdue?: boolean | null;
  businessUnit?: string | null;
  owner?: string | null;
  today: string;
}

/** Corrective actions matching the query, soonest due first, with the RCA they belong to. */
export async function listActions(
  index: DatabaseReader,
  query: ActionQuery,
): Promise<{ documentId: string; action: CorrectiveAction }[]> {
  const where: string[] = [];
  const args: InValue[] = [];
  if (query.statuses?.length) {
    where.push(`a.status IN (${marks(query.statuses.length)})`);
    args.push(...query.statuses);
  }
  if (query.businessUnit) {
    where.push('d.business_unit = ?');
    args.push(query.businessUnit);
  }
  if (query.owner) {
    where.push('a.owner = ?');
    args.push(query.owner);
  }
  if (query.overdue !== null && query.overdue !== undefined) {
    const overdue = `(a.status IN (${marks(OPEN_ACTION_STATUSES.length)}) AND a.due < ?)`;
    where.push(query.overdue ? overdue : `NOT ${overdue}`);
    args.push(...OPEN_ACTION_STATUSES, query.today);
  }
  const rows = (
    await index.execute({
      sql: `SELECT a.document_id, a.action_id, a.owner, a.due, a.status, a.closed, a.text
            FROM corrective_actions a JOIN documents d ON d.id = a.document_id
            ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
            ORDER BY a.due, a.document_id, a.action_id`,
      args,
    })
  ).rows;
  return rows.map((row) => ({ documentId: String(row.document_id), action: actionOf(row) }));
}

/** A `corrective_actions` row as the content model's action. */
export function actionOf(row: Record<string, unknown>): CorrectiveAction {
  return {
    id: String(row.action_id),
    owner: String(row.owner),
    due: String(row.due),
    status: String(row.status),
    closed: row.closed === null || row.closed === undefined ? undefined : String(row.closed),
    text: String(row.text),
  };
}
