/**
 * The HTTP edge of the API: how request bodies are read and how errors leave.
 *
 * Reading: GET parameters and POST bodies (JSON, `application/graphql`, forms) are parsed
 * here, media types compared without regard to letter case; anything else is a 415 with a
 * coded body. The byte limit itself is Yoga's `maxRequestBodySize`, which counts the bytes
 * as they stream in, so a chunked or lying body is cut off like one with a true
 * `Content-Length` (its code is renamed `PAYLOAD_TOO_LARGE` on the way out).
 *
 * Leaving: every error carries a documented code (`errors.ts`); messages are cut to
 * `MAX_ERROR_MESSAGE` characters and nothing from the request (a bad JSON body, a huge
 * variable) is echoed back at length; Yoga's `originalError` details are dropped.
 */
import { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { type ErrorCode, hanseiError, isErrorCode } from './errors.ts';

/** Longest error message sent to a client, in characters. */
export const MAX_ERROR_MESSAGE = 300;

const JSON_TYPES = new Set(['application/json', 'application/graphql+json']);
const FORM_TYPE = 'application/x-www-form-urlencoded';
const GRAPHQL_TYPE = 'application/graphql';

/** The media type of a request, lower-cased, without parameters. */
function mediaType(request: Request): string | undefined {
  return request.headers.get('content-type')?.split(/[;,]/, 1)[0]?.trim().toLowerCase() || undefined;
}

function badRequest(message: string): GraphQLError {
  return hanseiError('BAD_REQUEST', message);
}

function parseJsonParam(value: string | null, name: string): Record<string, unknown> | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw badRequest(`the ${name} parameter is not valid JSON`);
  }
}

function fromSearchParams(params: URLSearchParams): GraphQLParams {
  return {
    query: params.get('query') ?? undefined,
    operationName: params.get('operationName') ?? undefined,
    variables: parseJsonParam(params.get('variables'), 'variables'),
    extensions: parseJsonParam(params.get('extensions'), 'extensions'),
  };
}

async function readText(request: Request): Promise<string> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('the request body is not UTF-8');
  }
}

async function parseJsonBody(request: Request): Promise<GraphQLParams> {
  const text = await readText(request);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // The parser's own message quotes the body: say where, not what.
    throw badRequest('the request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('the request body must be a JSON object: {"query": "…", "variables": {…}}');
  return body as GraphQLParams;
}

/** Parses GET and POST requests of every supported kind; refuses other media types with a 415. */
export function useRequestParsing(): Plugin {
  return {
    onRequestParse({ request, url, setRequestParser, endResponse, fetchAPI }) {
      if (request.method === 'GET') {
        setRequestParser(() => fromSearchParams(url.searchParams));
        return;
      }
      if (request.method !== 'POST') return; // Yoga answers 405; renamed below
      const type = mediaType(request);
      if (type && JSON_TYPES.has(type)) setRequestParser(parseJsonBody);
      else if (type === FORM_TYPE)
        setRequestParser(async (req) => fromSearchParams(new URLSearchParams(await readText(req))));
      else if (type === GRAPHQL_TYPE) setRequestParser(async (req) => ({ query: await readText(req) }));
      else {
        const error = hanseiError(
          'UNSUPPORTED_MEDIA_TYPE',
          `send the query as application/json (or application/graphql, or a form), not ${type ? describe(type) : 'a body without a content type'}`,
        );
        endResponse(errorResponse(fetchAPI, error, { accept: 'application/json' }));
      }
    },
  };
}

/**
 * A JSON error response for a request refused before GraphQL sees it: the error's code
 * and message, its HTTP status (kept out of the body, as Yoga does).
 */
export function errorResponse(
  fetchAPI: { Response: typeof Response },
  error: GraphQLError,
  headers: Record<string, string> = {},
): Response {
  const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 400;
  const body = { errors: [{ message: error.message, extensions: { code: error.extensions.code } }] };
  return new fetchAPI.Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** A media type fit to quote: short and printable. */
function describe(type: string): string {
  const safe = type.replace(/[^\w.+/-]/g, '?');
  return safe.length > 60 ? `${safe.slice(0, 57)}…` : safe;
}

/** Codes Yoga and graphql-js use, renamed to ours. */
function codeFor(error: GraphQLError): ErrorCode {
  const code = error.extensions.code;
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  if (code === 'REQUEST_ENTITY_TOO_LARGE') return 'PAYLOAD_TOO_LARGE';
  if (status === 405) return 'METHOD_NOT_ALLOWED';
  if (isErrorCode(code)) return code;
  if (code === 'PERSISTED_QUERY_NOT_FOUND' || code === 'BAD_REQUEST') return 'BAD_REQUEST';
  // graphql-js reports bad variable values (wrong type, unknown enum value, missing) as
  // request errors without a code; the operation-selection errors likewise.
  if (error.message.startsWith('Variable "$')) return 'BAD_USER_INPUT';
  if (
    /^(Unknown operation named|Must provide operation name|Must provide an operation|Could not determine what operation)/.test(
      error.message,
    )
  )
    return 'BAD_REQUEST';
  return 'INTERNAL_SERVER_ERROR';
}

/** Cuts a message to `MAX_ERROR_MESSAGE` characters. */
export function boundedMessage(message: string): string {
  return message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…` : message;
}

function clean(error: GraphQLError): GraphQLError {
  // Yoga's `http` (status, an Allow header) is kept as it was: it decides the status
  // the GraphQL-over-HTTP way (200 or 400 by the accepted media type).
  const { originalError: _dropped, ...extensions } = error.extensions as Record<string, unknown>;
  return new GraphQLError(boundedMessage(error.message), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...extensions, code: codeFor(error) },
  });
}

/** Gives every outgoing error a documented code and a bounded message. */
export function useErrorHygiene(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !('errors' in result) || !result.errors?.length) return;
      setResult({
        ...result,
        errors: result.errors.map((error) => (error instanceof GraphQLError ? clean(error) : error)),
      });
    },
  };
}
