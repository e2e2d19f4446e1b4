/**
 * "Did the fix hold?": `Lesson.fixChallenges`, the recurrences since the lesson was
 * approved — a KPI watching its failure mode or equipment went red again, or a new RCA
 * names the same failure mode and equipment. The rule is `kpi/recurrence.ts`, shared with
 * `hansei review` and the portal.
 */
import type { FixChallenge } from '../../kpi/recurrence.ts';
import type { Context } from '../context.ts';
import { challengedFixes } from '../data/kpi.ts';
import { builder } from './builder.ts';
import { ChallengeReasonEnum, FixChallengeRef, KpiRef } from './kpi-refs.ts';
import { LessonRef, RcaRef } from './refs.ts';

/** Every challenged lesson of the catalog, computed once per request. */
function challenges(ctx: Context): Promise<Map<string, FixChallenge[]>> {
  let pending = ctx.memo.get('fixChallenges') as Promise<Map<string, FixChallenge[]>> | undefined;
  if (!pending) {
    pending = challengedFixes(ctx.events, ctx.catalog);
    ctx.memo.set('fixChallenges', pending);
  }
  return pending;
}

FixChallengeRef.implement({
  description: 'A recurrence of the failure a lesson was meant to stop, after the lesson was approved.',
  fields: (t) => ({
    reason: t.field({ type: ChallengeReasonEnum, resolve: (c) => c.reason }),
    since: t.field({
      type: 'Date',
      description: 'When the lesson was approved (last verified, else written).',
      resolve: (c) => c.since,
    }),
    on: t.field({ type: 'Date', description: 'When the failure came back.', resolve: (c) => c.at.slice(0, 10) }),
    count: t.exposeInt('count', { description: 'KPI_RED: how many times the series went red since.' }),
    message: t.exposeString('message'),
    kpi: t.field({
      type: KpiRef,
      nullable: true,
      resolve: (c, _a, ctx) => (c.kpi ? ctx.catalog.kpis.get(c.kpi) : null),
    }),
    businessUnitId: t.string({ nullable: true, resolve: (c) => c.businessUnit }),
    line: t.string({ nullable: true, resolve: (c) => c.line }),
    rca: t.field({
      type: RcaRef,
      nullable: true,
      resolve: (c, _a, ctx) => (c.rca ? ctx.catalog.documents.get(c.rca) : null),
    }),
  }),
});

builder.objectField(LessonRef, 'fixChallenges', (t) =>
  t.field({
    type: [FixChallengeRef],
    description: 'Recurrences since the lesson was approved; empty while its fix holds (as in `hansei review`).',
    resolve: async (d, _a, ctx) => (await challenges(ctx)).get(d.id) ?? [],
  }),
);
