/**
 * Bounds on every input value, before graphql coerces it: strings, lists and nesting in
 * variables (walked iteratively, so a deeply nested JSON value cannot exhaust the stack)
 * and in literal arguments of the query. Resolvers then only ever see small values, and
 * no error message can echo a large one back.
 */
import { type ASTNode, type ASTVisitor, GraphQLError, type ValidationContext } from 'graphql';
import { hanseiError } from './errors.ts';

export interface InputBounds {
  /** Longest string in an argument or variable, in characters. */
  maxStringLength: number;
  /** Most items in one list. */
  maxListLength: number;
  /** Deepest nesting of lists and input objects in one variable. */
  maxDepth: number;
  /** Most values (scalars, lists, objects) in all variables together. */
  maxValues: number;
}

/** The bounds `hansei serve` applies (README, Security). */
export const DEFAULT_INPUT_BOUNDS: InputBounds = {
  maxStringLength: 1000,
  maxListLength: 1000,
  maxDepth: 8,
  maxValues: 10_000,
};

/** Throws a coded error for the first variable value out of bounds. */
export function checkVariables(variables: unknown, bounds: InputBounds): void {
  if (variables === undefined || variables === null) return;
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: variables, depth: 0, path: '' }];
  let values = 0;
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop() as (typeof stack)[number];
    if (++values > bounds.maxValues)
      throw hanseiError('BAD_USER_INPUT', `variables hold more than ${bounds.maxValues} values`);
    if (depth > bounds.maxDepth)
      throw hanseiError('BAD_USER_INPUT', `variable ${shortPath(path)} is nested deeper than ${bounds.maxDepth}`);
    if (typeof value === 'string') {
      if (value.length > bounds.maxStringLength) {
        throw hanseiError(
          'BAD_USER_INPUT',
          `variable ${shortPath(path)} is ${value.length} characters; the limit is ${bounds.maxStringLength}`,
        );
      }
    } else if (Array.isArray(value)) {
      if (value.length > bounds.maxListLength) {
        throw hanseiError(
          'BAD_USER_INPUT',
          `variable ${shortPath(path)} has ${value.length} items; the limit is ${bounds.maxListLength}`,
        );
      }
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], depth: depth + 1, path: `${path}[${i}]` });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key.length > 100) throw hanseiError('BAD_USER_INPUT', 'a variable name or input field name is too long');
        stack.push({ value: inner, depth: depth + 1, path: path ? `${path}.${key}` : `$${key}` });
      }
    }
  }
}

/** A path for messages, never longer than 80 characters. */
function shortPath(path: string): string {
  return path.length > 80 ? `${path.slice(0, 77)}…` : path;
}

/** The validation rule bounding literal strings and lists in the query text. */
export function literalBoundsRule(bounds: InputBounds) {
  return (context: ValidationContext): ASTVisitor => ({
    StringValue(node) {
      if (node.value.length > bounds.maxStringLength) {
        context.reportError(
          withNodes(
            hanseiError(
              'BAD_USER_INPUT',
              `a string argument is ${node.value.length} characters; the limit is ${bounds.maxStringLength}`,
            ),
            node,
          ),
        );
      }
    },
    ListValue(node) {
      if (node.values.length > bounds.maxListLength) {
        context.reportError(
          withNodes(
            hanseiError(
              'BAD_USER_INPUT',
              `a list argument has ${node.values.length} items; the limit is ${bounds.maxListLength}`,
            ),
            node,
          ),
        );
      }
    },
  });
}

function withNodes(error: GraphQLError, node: ASTNode): GraphQLError {
  return new GraphQLError(error.message, { nodes: [node], extensions: error.extensions });
}
