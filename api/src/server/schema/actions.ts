/**
 * Corrective actions across all root-cause analyses: what is open, what is overdue, where.
 */
import { actionFact } from '../../model/facts.ts';
import { listActions } from '../data/actions.ts';
import { builder } from './builder.ts';
import { ActionStatusEnum, CorrectiveActionRef } from './refs.ts';
import { listConnection } from './scalars.ts';

builder.queryFields((t) => ({
  correctiveActions: t.connection(
    {
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
        const found = await listActions(ctx.index, {
          statuses: args.status,
          overdue: args.overdue,
          businessUnit: args.businessUnit,
          owner: args.owner,
          today: ctx.today,
        });
        const actions = found.map(({ documentId, action }) => ({
          documentId,
          action: actionFact(action, ctx.today),
        }));
        return listConnection(args, actions);
      },
    },
    { name: 'CorrectiveActionConnection' },
    { name: 'CorrectiveActionEdge' },
  ),
}));
