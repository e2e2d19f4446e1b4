/**
 * Corrective actions across all root-cause analyses: what is open, what is overdue, where.
 */
import type { InValue } from '@libsql/client';
import { builder } from './builder.ts';
import type { ActionRecord } from './refs.ts';
import { ActionStatusEnum, CorrectiveActionRef } from './refs.ts';
import { listConnection } from './scalars.ts';

builder.queryFields((t) => ({
  correctiveActions: t.connection({
    type: CorrectiveActionRef,
    description: 'Corrective actions, soonest due first.',
    args: {
      status: t.arg({ type: [ActionStatusEnum], required: false }),
      overdue: t.arg.boolean({
        required: false,
        description: 'Only actions open or in progress past their due date (or only the others, when false).',
      }),
      businessUnit: t.arg.string({ required: false }),
      owner: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const where: string[] = [];
      const params: InValue[] = [];
      if (args.status?.length) {
        where.push(`a.status IN (${args.status.map(() => '?').join(', ')})`);
        params.push(...args.status);
      }
      if (args.businessUnit) {
        where.push('d.business_unit = ?');
        params.push(args.businessUnit);
      }
      if (args.owner) {
        where.push('a.owner = ?');
        params.push(args.owner);
      }
      if (args.overdue === true) {
        where.push("a.status IN ('open', 'in-progress') AND a.due < ?");
        params.push(ctx.today);
      } else if (args.overdue === false) {
        where.push("NOT (a.status IN ('open', 'in-progress') AND a.due < ?)");
        params.push(ctx.today);
      }
      const rows = (
        await ctx.index.execute({
          sql: `SELECT a.document_id, a.action_id, a.owner, a.due, a.status, a.closed, a.text
                FROM corrective_actions a JOIN documents d ON d.id = a.document_id
                ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                ORDER BY a.due, a.document_id, a.action_id`,
          args: params,
        })
      ).rows;
      const actions: ActionRecord[] = rows.map((row) => ({
        documentId: String(row.document_id),
        action: {
          id: String(row.action_id),
          owner: String(row.owner),
          due: String(row.due),
          status: String(row.status),
          closed: row.closed === null ? undefined : String(row.closed),
          text: String(row.text),
        },
      }));
      return listConnection(args, actions);
    },
  }),
}));
