/**
 * The shape of a GraphQL operation, fragments expanded — nesting depth, number of fields,
 * introspection fields — computed in time linear in the document.
 *
 * Why not walk the tree with fragments expanded: a fragment that spreads the next one
 * twice, 20 levels deep, expands to 2^20 paths (a < 1 kB query froze the server). Here
 * each fragment's shape is computed once and memoised; the expanded counts are *added*
 * (a fragment spread twice counts twice) without ever expanding anything. Cycles are found
 * in the same single pass (a fragment met again while it is being measured contributes
 * nothing; graphql's own NoFragmentCycles rule reports the cycle).
 *
 * Introspection (`__schema`, `__type`) is measured on its own: its depth is bounded by a
 * separate limit so that the standard introspection query of GraphiQL, codegen and other
 * schema tools (depth 15 through `ofType` chains) passes, while data queries keep their
 * tighter depth limit.
 */
import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { hanseiError } from './errors.ts';

/** What an operation (or a fragment) expands to. */
export interface QueryShape {
  /** Deepest nesting of data fields (an introspection root counts as one level). */
  depth: number;
  /** Fields after expanding every fragment spread, each spread counted. */
  fields: number;
  /** `__schema` / `__type` fields after expansion. */
  introspectionFields: number;
  /** Deepest nesting inside an introspection field, the root field included. */
  introspectionDepth: number;
}

/** The limits a shape is checked against (a subset of QueryLimits). */
export interface ShapeLimits {
  maxDepth: number;
  maxFields: number;
  maxIntrospectionFields: number;
  maxIntrospectionDepth: number;
}

/** Counts saturate here, so a 2^100 expansion is a large finite number, not Infinity. */
const SATURATED = 1e9;
const add = (a: number, b: number) => Math.min(SATURATED, a + b);

const EMPTY: QueryShape = { depth: 0, fields: 0, introspectionFields: 0, introspectionDepth: 0 };
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

type Mode = 'data' | 'introspection';

/**
 * Measures operations of one document. Fragment shapes are memoised per mode, so every
 * fragment is measured at most twice however often it is spread.
 */
export function createShapeMeter(fragments: ReadonlyMap<string, FragmentDefinitionNode>) {
  const memo = new Map<string, QueryShape | 'measuring'>();

  const ofFragment = (name: string, mode: Mode): QueryShape => {
    const key = `${mode}:${name}`;
    const known = memo.get(key);
    if (known === 'measuring') return EMPTY; // a cycle: reported by NoFragmentCyclesRule
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment) return EMPTY; // unknown fragment: reported by KnownFragmentNamesRule
    memo.set(key, 'measuring');
    const shape = ofSelectionSet(fragment.selectionSet, mode);
    memo.set(key, shape);
    return shape;
  };

  const ofSelectionSet = (set: SelectionSetNode | undefined, mode: Mode): QueryShape => {
    if (!set) return EMPTY;
    let result = EMPTY;
    for (const selection of set.selections) {
      let shape: QueryShape;
      if (selection.kind === Kind.FIELD) {
        const introspectionRoot = mode === 'data' && INTROSPECTION_ROOTS.has(selection.name.value);
        const inner = ofSelectionSet(selection.selectionSet, introspectionRoot ? 'introspection' : mode);
        if (introspectionRoot) {
          shape = {
            depth: 1,
            fields: add(1, inner.fields),
            introspectionFields: add(1, inner.introspectionFields),
            introspectionDepth: 1 + inner.introspectionDepth,
          };
        } else if (mode === 'introspection') {
          shape = { ...inner, fields: add(1, inner.fields), introspectionDepth: 1 + inner.introspectionDepth };
        } else {
          shape = { ...inner, depth: 1 + inner.depth, fields: add(1, inner.fields) };
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        shape = ofSelectionSet(selection.selectionSet, mode);
      } else {
        shape = ofFragment(selection.name.value, mode);
      }
      result = {
        depth: Math.max(result.depth, shape.depth),
        fields: add(result.fields, shape.fields),
        introspectionFields: add(result.introspectionFields, shape.introspectionFields),
        introspectionDepth: Math.max(result.introspectionDepth, shape.introspectionDepth),
      };
    }
    return result;
  };

  return (operation: OperationDefinitionNode): QueryShape => ofSelectionSet(operation.selectionSet, 'data');
}

/** The first limit a shape breaks, as a coded error; undefined when it fits. */
export function checkShape(shape: QueryShape, limits: ShapeLimits) {
  const shown = (value: number) => (value >= SATURATED ? 'over 10^9' : String(value));
  const over = (message: string, limit: string) => hanseiError('QUERY_TOO_COMPLEX', message, { limit });
  if (shape.depth > limits.maxDepth)
    return over(`query depth ${shape.depth} exceeds the limit of ${limits.maxDepth}`, 'depth');
  if (shape.introspectionDepth > limits.maxIntrospectionDepth)
    return over(
      `introspection depth ${shape.introspectionDepth} exceeds the limit of ${limits.maxIntrospectionDepth}`,
      'introspectionDepth',
    );
  if (shape.introspectionFields > limits.maxIntrospectionFields)
    return over(
      `${shown(shape.introspectionFields)} __schema/__type fields; the limit is ${limits.maxIntrospectionFields}`,
      'introspectionFields',
    );
  if (shape.fields > limits.maxFields)
    return over(
      `the query expands to ${shown(shape.fields)} fields with its fragments; the limit is ${limits.maxFields}`,
      'fields',
    );
  return undefined;
}

/** The validation rule: every operation of the document within `limits`. */
export function shapeRule(limits: ShapeLimits) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const measure = createShapeMeter(fragments);
    return {
      OperationDefinition(node) {
        const error = checkShape(measure(node), limits);
        if (error) context.reportError(error);
        return false; // the shape is all this rule needs; nothing below is visited again
      },
      FragmentDefinition: () => false,
    };
  };
}
