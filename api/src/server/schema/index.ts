/**
 * The schema: imports every feature for its side effects on the builder, then builds.
 */
import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import './scalars.ts';
import './document.ts';
import './document-kinds.ts';
import './taxonomy.ts';
import './search.ts';
import './actions.ts';
import './reuse.ts';
import './metrics.ts';
import './feedback.ts';
import './feedback-metrics.ts';
import './handover.ts';
import './events.ts';
import './kpi.ts';
import './kpi-triggers.ts';
import './kpi-metrics.ts';
import './kpi-readings.ts';
import './fix-challenges.ts';

let schema: GraphQLSchema | undefined;

/** The executable schema (built once per process). */
export function buildSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: true });
  return schema;
}
