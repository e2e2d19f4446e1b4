/**
 * Every expected API failure, with its stable `extensions.code` (SCREAMING_SNAKE, never
 * renamed). Anything else that escapes a resolver is a bug and is masked by Yoga.
 */
import { GraphQLError } from 'graphql';

/** The codes clients can rely on, and the HTTP status that goes with each. */
export const ERROR_CODES = {
  /** An argument is out of range or malformed. */
  BAD_USER_INPUT: 400,
  /** `first` is above the page size limit (100). */
  PAGE_SIZE_TOO_LARGE: 400,
  /** A reuse event in a batch is invalid; `extensions.index` says which. */
  INVALID_EVENT: 400,
  /** More than 500 events (or KPI readings) in one call. */
  BATCH_TOO_LARGE: 400,
  /** A KPI reading in a batch is invalid (out of bounds, unknown unit or line…); `extensions.index` and `field` say where. */
  INVALID_KPI_READING: 400,
  /** No KPI with that id in kpis.yaml; `extensions.index` names the reading when in a batch. */
  UNKNOWN_KPI: 400,
  /** The query is not valid GraphQL syntax. */
  GRAPHQL_PARSE_FAILED: 400,
  /** The query does not match the schema (unknown field, wrong argument type…). */
  GRAPHQL_VALIDATION_FAILED: 400,
  /** The query is nested too deeply, has too many aliases or tokens, or costs too much. */
  QUERY_TOO_COMPLEX: 400,
  /** The request body or query text is over the size limit. */
  PAYLOAD_TOO_LARGE: 413,
  /** A GET or form request without a CSRF-safe header. */
  CSRF_HEADER_REQUIRED: 403,
  /** Introspection is switched off on this server. */
  INTROSPECTION_DISABLED: 400,
  /** No token, or a token that is not known. */
  UNAUTHENTICATED: 401,
  /** The token lacks the scope this field needs. */
  FORBIDDEN: 403,
  /** Too many anonymous events from one client. */
  RATE_LIMITED: 429,
  /** A feedback event's reason, section or text is invalid; `extensions.index` and `extensions.field` say which. */
  INVALID_FEEDBACK: 400,
  /** No feedback item has this id. */
  FEEDBACK_NOT_FOUND: 404,
  /** The feedback item is already linked to the commit that fixed it. */
  FEEDBACK_ALREADY_CLOSED: 409,
  /** The commit is unknown, did not change the feedback's document, or is older than the feedback. */
  COMMIT_NOT_LINKED: 400,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An expected failure with a stable code. */
export function hanseiError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: ERROR_CODES[code] }, ...extensions } });
}
