/**
 * Every expected API failure, with its stable `extensions.code` (SCREAMING_SNAKE, never
 * renamed). Anything else that escapes a resolver is a bug and is masked by Yoga as
 * `INTERNAL_SERVER_ERROR`. The README's security section lists each limit with its code.
 */
import { GraphQLError } from 'graphql';

/** The codes clients can rely on, and the HTTP status that goes with each. */
export const ERROR_CODES = {
  /** An argument or variable is out of range or malformed (including a variable of the wrong type or an unknown enum value). */
  BAD_USER_INPUT: 400,
  /** `first`, or the number of ids given to `nodes`, is above the limit (100). */
  PAGE_SIZE_TOO_LARGE: 400,
  /** A reuse event in a batch is invalid; `extensions.index` says which. */
  INVALID_EVENT: 400,
  /** More than 500 events (or KPI readings) in one call. */
  BATCH_TOO_LARGE: 400,
  /** A KPI reading in a batch is invalid (out of bounds, unknown unit or line…); `extensions.index` and `field` say where. */
  INVALID_KPI_READING: 400,
  /** No KPI with that id in kpis.yaml; `extensions.index` names the reading when in a batch. */
  UNKNOWN_KPI: 400,
  /** The HTTP request is malformed: invalid JSON or UTF-8, no query, `variables` not an object, an unknown operation. */
  BAD_REQUEST: 400,
  /** The query is not valid GraphQL syntax. */
  GRAPHQL_PARSE_FAILED: 400,
  /** The query does not match the schema (unknown field, wrong argument type, fragment cycle…). */
  GRAPHQL_VALIDATION_FAILED: 400,
  /** The query is nested too deeply, has too many aliases, tokens or introspection fields, or costs too much. */
  QUERY_TOO_COMPLEX: 400,
  /** The request body (however it is framed), the query text or an input value is over its size limit. */
  PAYLOAD_TOO_LARGE: 413,
  /** A GET or form request without a CSRF-safe header. */
  CSRF_HEADER_REQUIRED: 403,
  /** Introspection is switched off on this server. */
  INTROSPECTION_DISABLED: 400,
  /** No token, a token that is not known, or one that has expired. */
  UNAUTHENTICATED: 401,
  /** The token lacks the scope this field needs. */
  FORBIDDEN: 403,
  /** Too many anonymous events from one client, or from all anonymous clients together. */
  RATE_LIMITED: 429,
  /** A feedback event's reason, section or text is invalid; `extensions.index` and `extensions.field` say which. */
  INVALID_FEEDBACK: 400,
  /** No feedback item has this id. */
  FEEDBACK_NOT_FOUND: 404,
  /** The feedback item is already linked to the commit that fixed it. */
  FEEDBACK_ALREADY_CLOSED: 409,
  /** The commit is unknown, did not change the feedback's document, or is older than the feedback. */
  COMMIT_NOT_LINKED: 400,
  /** A method other than GET and POST. */
  METHOD_NOT_ALLOWED: 405,
  /** A POST body that is not JSON (`application/json`, any letter case), a form or `application/graphql`. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** The content index cannot be read (missing, empty, corrupt or outdated); `/ready` says which. */
  INDEX_UNAVAILABLE: 503,
  /** A bug: the server hit an unexpected error; the message says nothing more (error masking). */
  INTERNAL_SERVER_ERROR: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** True for a string that is one of the documented codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** An expected failure with a stable code. */
export function hanseiError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: ERROR_CODES[code] }, ...extensions } });
}
