/**
 * The Pothos builder and its plugins. No types are defined here (Pothos' app layout):
 * each feature lives in its own `schema/<feature>.ts`.
 */
import SchemaBuilder, { decodeBase64 } from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import RelayPlugin from '@pothos/plugin-relay';
import { type GraphQLResolveInfo, isObjectType } from 'graphql';
import type { Context } from '../context.ts';
import { hanseiError } from '../errors.ts';

/** Limits every query must stay within (also enforced before execution, see limits.ts). */
export const QUERY_LIMITS = { complexity: 5000, depth: 12, breadth: 200 } as const;
/** The largest page a connection or list argument accepts. */
export const MAX_PAGE_SIZE = 100;
/** Most ids one `nodes(ids:)` call may name (GitHub's limit too). */
export const MAX_NODE_IDS = 100;
/** Longest global id accepted, in characters (ours are under 40). */
export const MAX_GLOBAL_ID_LENGTH = 200;

/**
 * Decodes a Relay global id (base64 of `Type:id`). A malformed one is a coded
 * BAD_USER_INPUT that does not quote it: Pothos' own error echoed the whole id.
 */
export function decodeNodeId(globalID: string): { typename: string; id: string } {
  if (globalID.length > MAX_GLOBAL_ID_LENGTH)
    throw hanseiError('BAD_USER_INPUT', `a global id is at most ${MAX_GLOBAL_ID_LENGTH} characters`);
  let decoded: string;
  try {
    decoded = decodeBase64(globalID);
  } catch {
    throw hanseiError('BAD_USER_INPUT', 'not a global id of this API');
  }
  const colon = decoded.indexOf(':');
  const typename = decoded.slice(0, colon);
  const id = decoded.slice(colon + 1);
  if (colon < 1 || !id || !/^[A-Z_a-z]\w*$/.test(typename))
    throw hanseiError('BAD_USER_INPUT', 'not a global id of this API');
  return { typename, id };
}

/** True when `typename` is an object type of the schema that implements Node. */
function isNodeType(typename: string, info: GraphQLResolveInfo): boolean {
  const type = info.schema.getType(typename);
  return isObjectType(type) && type.getInterfaces().some((item) => item.name === 'Node');
}

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
    decodeGlobalID: decodeNodeId,
    // An id of a type that is not a node (or does not exist) is "not found": null.
    nodeQueryOptions: {
      resolve: (_root, args, _ctx, info, resolveNode) =>
        isNodeType(args.id.typename, info) ? resolveNode(args.id) : null,
    },
    nodesQueryOptions: {
      description: `Objects by global id, at most ${MAX_NODE_IDS}; null for ids not found.`,
      complexity: (args) => ({ field: 1, multiplier: args.ids.length }),
      resolve: async (_root, args, _ctx, info, resolveNodes) => {
        if (args.ids.length > MAX_NODE_IDS)
          throw hanseiError('PAGE_SIZE_TOO_LARGE', `${args.ids.length} ids; at most ${MAX_NODE_IDS} per call`);
        const known = args.ids.filter((id) => isNodeType(id.typename, info));
        const found = await resolveNodes(known);
        let next = 0;
        return args.ids.map((id) => (isNodeType(id.typename, info) ? found[next++] : null));
      },
    },
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
