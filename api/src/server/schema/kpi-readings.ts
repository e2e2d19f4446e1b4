/**
 * `recordKpiReadings` (scope `kpi:write`): an MES, a historian or a dashboard posts KPI
 * readings. Each carries a client id, so a batch sent again changes nothing; a batch is
 * validated whole (nothing is stored when one reading is refused) and stored in one
 * transaction together with the learning triggers it opens.
 */

import { KPI_VALUE_LIMIT } from '../../content/taxonomy-schema.ts';
import type { LearningTrigger } from '../../kpi/kpi-store.ts';
import { isReadingProblem, MAX_READING_BATCH, type ValidReading, validateReading } from '../../kpi/readings.ts';
import { requireScope } from '../auth.ts';
import { knowledgeFor } from '../data/kpi.ts';
import { hanseiError } from '../errors.ts';
import { builder } from './builder.ts';
import { LearningTriggerRef } from './kpi-refs.ts';

// Float would refuse 1e400 (Infinity) or "abc" with an uncoded error: this scalar refuses
// them with INVALID_KPI_READING, like every other bound of a reading.
builder.scalarType('KpiValue', {
  description: `A KPI reading's value: a finite number within ±${KPI_VALUE_LIMIT}.`,
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > KPI_VALUE_LIMIT)
      throw hanseiError('INVALID_KPI_READING', `value must be a finite number within ±${KPI_VALUE_LIMIT}`, {
        field: 'value',
      });
    return value;
  },
});

const KpiReadingInput = builder.inputType('KpiReadingInput', {
  fields: (t) => ({
    clientId: t.string({
      required: true,
      description: 'Unique per reading, chosen by the client (a UUID): replays are ignored.',
    }),
    businessUnit: t.string({ required: true, description: 'Business unit id, e.g. brake-assembly.' }),
    kpi: t.string({ required: true, description: 'KPI id from kpis.yaml, e.g. torque-nok-rate.' }),
    line: t.string({ required: false, description: 'Line, cell or station, when the unit reads the KPI per line.' }),
    value: t.field({
      type: 'KpiValue',
      required: true,
      description: "The value, in the KPI's unit, within its min and max.",
    }),
    measuredAt: t.field({
      type: 'DateTime',
      required: false,
      description: 'When it was measured (default: now); at most a year ago.',
    }),
    note: t.string({ required: false, description: 'Up to 300 characters, e.g. the shift.' }),
  }),
});

const PayloadRef = builder
  .objectRef<{ received: number; recorded: number; triggers: LearningTrigger[]; closed: number }>(
    'RecordKpiReadingsPayload',
  )
  .implement({
    fields: (t) => ({
      received: t.exposeInt('received'),
      recorded: t.exposeInt('recorded', { description: 'New readings stored.' }),
      duplicates: t.int({
        description: 'Readings already recorded (same client id), ignored.',
        resolve: (p) => p.received - p.recorded,
      }),
      triggers: t.field({
        type: [LearningTriggerRef],
        description: 'Learning triggers these readings opened (a series escalated to amber or red).',
        resolve: (p) => p.triggers,
      }),
      closedTriggers: t.int({
        description: 'Open triggers closed because their series went back to green.',
        resolve: (p) => p.closed,
      }),
    }),
  });

builder.mutationFields((t) => ({
  recordKpiReadings: t.field({
    type: PayloadRef,
    description: `Records up to ${MAX_READING_BATCH} KPI readings (scope kpi:write) and opens a learning trigger when a series escalates to amber or red.`,
    args: { readings: t.arg({ type: [KpiReadingInput], required: true }) },
    complexity: 50,
    resolve: async (_root, args, ctx) => {
      requireScope(ctx.viewer, 'kpi:write');
      if (args.readings.length > MAX_READING_BATCH)
        throw hanseiError(
          'BATCH_TOO_LARGE',
          `${args.readings.length} readings in one call; at most ${MAX_READING_BATCH}`,
        );
      const context = { kpis: ctx.catalog.kpis, units: ctx.catalog.terms.businessUnit, now: ctx.now.getTime() };
      const readings: ValidReading[] = args.readings.map((input, index) => {
        const result = validateReading(input, context);
        if (isReadingProblem(result))
          throw hanseiError(result.code, `reading ${index}: ${result.message}`, { index, field: result.field });
        return result;
      });
      const reuse = await ctx.reuseScores();
      const result = await ctx.recordReadings(readings, {
        kpis: ctx.catalog.kpis,
        recommend: (kpi, unit) => knowledgeFor(ctx.catalog, reuse, kpi, unit).map((item) => item.id),
        source: ctx.viewer.name,
        now: new Date(context.now).toISOString(),
      });
      ctx.onReadingsRecorded();
      return { received: readings.length, recorded: result.recorded, triggers: result.opened, closed: result.closed };
    },
  }),
}));
