/**
 * Guards that run before a query executes: body and query size, token count, depth (with
 * fragments followed), alias count, optional introspection ban; plus CSRF prevention.
 * Each failure carries a stable code from errors.ts.
 */
import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  parse,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { hanseiError } from './errors.ts';

export interface QueryLimits {
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Largest query text, in characters. */
  maxQueryLength: number;
  /** Lexical tokens in a query. */
  maxTokens: number;
  /** Nesting of selections, fragments expanded. */
  maxDepth: number;
  /** Aliased fields in one document. */
  maxAliases: number;
  /** Whether `__schema` / `__type` may be queried. */
  introspection: boolean;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxBodyBytes: 256 * 1024,
  maxQueryLength: 16 * 1024,
  maxTokens: 2000,
  maxDepth: 12,
  maxAliases: 30,
  introspection: true,
};

function depthRule(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD)
          deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet, seen) : 1);
        else if (selection.kind === Kind.INLINE_FRAGMENT)
          deepest = Math.max(deepest, depthOf(selection.selectionSet, seen));
        else if (!seen.has(selection.name.value)) {
          // A fragment cycle is reported by graphql's own NoFragmentCycles rule.
          deepest = Math.max(
            deepest,
            depthOf(fragments.get(selection.name.value)?.selectionSet, new Set([...seen, selection.name.value])),
          );
        }
        if (deepest > max) return deepest;
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > max)
          context.reportError(
            hanseiError('QUERY_TOO_COMPLEX', `query depth ${depth} exceeds the limit of ${max}`, { limit: 'depth' }),
          );
      },
    };
  };
}

function aliasRule(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias && ++aliases === max + 1) {
          context.reportError(
            hanseiError('QUERY_TOO_COMPLEX', `more than ${max} aliases in one query`, { limit: 'aliases' }),
          );
        }
      },
    };
  };
}

function introspectionRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        context.reportError(hanseiError('INTROSPECTION_DISABLED', 'introspection is disabled on this server'));
      }
    },
  };
}

/** Adds a code to graphql-js errors that have none (syntax and validation errors). */
function withCode(error: unknown, code: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED'): unknown {
  if (!(error instanceof GraphQLError) || error.extensions.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code, http: { status: 400 } },
  });
}

/** The Yoga plugin enforcing `limits`. */
export function useQueryLimits(limits: QueryLimits): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > limits.maxBodyBytes) {
        const error = hanseiError(
          'PAYLOAD_TOO_LARGE',
          `request body is ${length} bytes; the limit is ${limits.maxBodyBytes}`,
        );
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [error.toJSON()] }), {
            status: 413,
            headers: { 'content-type': 'application/json' },
          }),
        );
      }
    },
    onParse({ params, setParseFn }) {
      const source = typeof params.source === 'string' ? params.source : params.source.body;
      if (source.length > limits.maxQueryLength) {
        throw hanseiError(
          'PAYLOAD_TOO_LARGE',
          `query is ${source.length} characters; the limit is ${limits.maxQueryLength}`,
        );
      }
      setParseFn((text, options) => {
        try {
          return parse(text, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          if (error instanceof GraphQLError && /more than \d+ tokens/.test(error.message)) {
            throw hanseiError('QUERY_TOO_COMPLEX', `query has more than ${limits.maxTokens} tokens`, {
              limit: 'tokens',
            });
          }
          throw withCode(error, 'GRAPHQL_PARSE_FAILED');
        }
      });
    },
    onValidate({ addValidationRule }) {
      addValidationRule(depthRule(limits.maxDepth));
      addValidationRule(aliasRule(limits.maxAliases));
      if (!limits.introspection) addValidationRule(introspectionRule);
      return ({ result, setResult }) => {
        if (result.length > 0)
          setResult(result.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED') as GraphQLError));
      };
    },
  };
}

/**
 * CSRF prevention: a request a browser may send cross-site without a preflight (GET, or
 * a form content type) must carry a header no such request can have. Requests with a JSON
 * body, or with `Authorization`, were preflighted or are not ambient-credential requests.
 */
export function useCsrfPrevention(
  headers: readonly string[] = ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'authorization'],
): Plugin {
  const simple = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
  return {
    onRequestParse({ request }) {
      const type = request.headers.get('content-type')?.toLowerCase();
      if (type && !simple.some((prefix) => type.startsWith(prefix))) return;
      if (headers.some((name) => request.headers.has(name))) return;
      throw hanseiError('CSRF_HEADER_REQUIRED', `send a JSON POST, or add one of these headers: ${headers.join(', ')}`);
    },
  };
}
