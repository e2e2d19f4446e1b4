/**
 * The Pothos builder and its plugins. No types are defined here (Pothos' app layout):
 * each feature lives in its own `schema/<feature>.ts`.
 */
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import RelayPlugin from '@pothos/plugin-relay';
import type { Context } from '../context.ts';
import { hanseiError } from '../errors.ts';

/** Limits every query must stay within (also enforced before execution, see limits.ts). */
export const QUERY_LIMITS = { complexity: 5000, depth: 12, breadth: 200 } as const;
/** The largest page a connection or list argument accepts. */
export const MAX_PAGE_SIZE = 100;

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    Date: { Input: string; Output: string };
    DateTime: { Input: string; Output: string };
    KpiValue: { Input: number; Output: number };
  };
  Connection: { totalCount: number };
}>({
  plugins: [RelayPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
  },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    limit: QUERY_LIMITS,
    complexityError: (kind, result) =>
      hanseiError('QUERY_TOO_COMPLEX', `query exceeds the ${kind} limit`, {
        complexity: result.complexity,
        depth: result.depth,
        breadth: result.breadth,
      }),
  },
});

builder.queryType({});
builder.mutationType({});

builder.globalConnectionField('totalCount', (t) =>
  t.int({ description: 'Number of items across all pages.', resolve: (parent) => parent.totalCount }),
);
