/**
 * Guards that run before a query executes: body and query size, token count, the query's
 * shape with fragments expanded (depth, fields, introspection — linear in the document, see
 * query-shape.ts), alias count, input values (input-bounds.ts), an optional introspection
 * ban; plus CSRF prevention. Each failure carries a stable code from errors.ts.
 */
import { type ASTVisitor, GraphQLError, parse, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { hanseiError } from './errors.ts';
import { boundedMessage, errorResponse } from './http-hygiene.ts';
import { checkVariables, DEFAULT_INPUT_BOUNDS, type InputBounds, literalBoundsRule } from './input-bounds.ts';
import { shapeRule } from './query-shape.ts';

/** Every limit checked before a query executes. */
export interface QueryLimits extends InputBounds {
  /** Largest request body, in bytes, however it is framed (Content-Length or chunked). */
  maxBodyBytes: number;
  /** Largest query text, in characters. */
  maxQueryLength: number;
  /** Lexical tokens in a query. */
  maxTokens: number;
  /** Nesting of data fields, fragments expanded. */
  maxDepth: number;
  /** Fields of one operation with every fragment spread expanded (each spread counted). */
  maxFields: number;
  /** Aliased fields in one document. */
  maxAliases: number;
  /** Nesting inside `__schema` / `__type` (the standard introspection query needs 15). */
  maxIntrospectionDepth: number;
  /** `__schema` / `__type` fields in one operation, fragments expanded. */
  maxIntrospectionFields: number;
  /** Longest `operationName`, in characters. */
  maxOperationName: number;
  /** Whether `__schema` / `__type` may be queried. */
  introspection: boolean;
}

/** The limits of `hansei serve` (the README's Security section lists each with its code). */
export const DEFAULT_LIMITS: QueryLimits = {
  ...DEFAULT_INPUT_BOUNDS,
  maxBodyBytes: 256 * 1024,
  maxQueryLength: 16 * 1024,
  maxTokens: 2000,
  maxDepth: 12,
  maxFields: 1000,
  maxAliases: 30,
  maxIntrospectionDepth: 20,
  maxIntrospectionFields: 4,
  maxOperationName: 100,
  introspection: true,
};

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
  return new GraphQLError(boundedMessage(error.message), {
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
      // Yoga's maxRequestBodySize also counts streamed bytes; a declared length over the
      // limit is refused here at once, before a byte is read.
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > limits.maxBodyBytes) {
        const error = hanseiError(
          'PAYLOAD_TOO_LARGE',
          `request body is ${length} bytes; the limit is ${limits.maxBodyBytes}`,
        );
        endResponse(errorResponse(fetchAPI, error));
      }
    },
    onParams({ params }) {
      if (typeof params.query === 'string' && params.query.length > limits.maxQueryLength) {
        throw hanseiError(
          'PAYLOAD_TOO_LARGE',
          `query is ${params.query.length} characters; the limit is ${limits.maxQueryLength}`,
        );
      }
      if (typeof params.operationName === 'string' && params.operationName.length > limits.maxOperationName)
        throw hanseiError('BAD_REQUEST', `operationName is longer than ${limits.maxOperationName} characters`);
      checkVariables(params.variables, limits);
    },
    onParse({ setParseFn }) {
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
      addValidationRule(shapeRule(limits));
      addValidationRule(aliasRule(limits.maxAliases));
      addValidationRule(literalBoundsRule(limits));
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
