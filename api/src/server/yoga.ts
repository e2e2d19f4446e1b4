/**
 * The composition root of the API: builds the Yoga app over the index and the events
 * store. It reads no globals and opens no port; `listen.ts` listens, tests call
 * `yoga.fetch` directly.
 */
import type { IncomingMessage } from 'node:http';
import { useResponseCache } from '@graphql-yoga/plugin-response-cache';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { Client } from '@libsql/client';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { ChangeHistory } from '../handover/window-changes.ts';
import { createAuthenticator, type TokenEntry, type Viewer } from './auth.ts';
import { clientAddress } from './client-address.ts';
import { type Context, createLoaders } from './context.ts';
import { DEFAULT_RETENTION, type RetentionPolicy } from './data/event-retention.ts';
import { createReuseCache, createVoterHash } from './data/events-store.ts';
import { createLiveIndex, IndexUnavailableError, type LiveIndex, type Pin } from './data/live-index.ts';
import { createResponseStore } from './data/response-cache.ts';
import type { SearchPage } from './data/search.ts';
import { hanseiError } from './errors.ts';
import { useErrorHygiene, useRequestParsing } from './http-hygiene.ts';
import { DEFAULT_LIMITS, type QueryLimits, useCsrfPrevention, useQueryLimits } from './limits.ts';
import { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './rate-limit.ts';
import { buildSchema } from './schema/index.ts';
import { createLocalSharedState, type SharedState } from './shared-state.ts';

export interface HanseiServerOptions {
  /**
   * The content index: a live index (what `hansei serve` passes: the file is watched and
   * reopened when replaced), or an open client (reindexes still switch as one; the file
   * is not reopened).
   */
  index: Client | LiveIndex;
  events: Client;
  /** Token entries, or a function giving the ones in force now (a watched tokens file). */
  tokens?: readonly TokenEntry[] | (() => readonly TokenEntry[]);
  limits?: Partial<QueryLimits>;
  rateLimit?: Partial<RateLimitOptions>;
  /**
   * Where the decisions every worker must share are taken (anonymous rate limits, KPI
   * ingest): `hansei serve --workers N` passes the worker's link to the primary.
   * Default: in this process, with `rateLimit`.
   */
  shared?: SharedState;
  /**
   * The response cache and the search page cache (default true). False makes every request
   * do its work: what distinct queries cost (`HANSEI_RESPONSE_CACHE=false`).
   */
  cache?: boolean;
  /** Raw events older than `rawDays` are refused (and pruned by `startRetention`). */
  retention?: RetentionPolicy;
  /** Serve GraphiQL on GET /graphql from a browser (self-contained, no CDN). Default true. */
  graphiql?: boolean;
  /**
   * Proxies in front of the server: the client address is taken that many entries from
   * the right of X-Forwarded-For (the entries each trusted proxy appended). 0 or false:
   * the socket's address; true means 1.
   */
  trustProxy?: number | boolean;
  /** The clock, for tests (default: the real one). */
  now?: () => Date;
  /**
   * The content's git history, for the handover digest's document changes (`hansei serve`
   * passes the content folder's). Without it the digest says it has no git history.
   */
  history?: ChangeHistory;
  /** Yoga's logging; false in tests. */
  logging?: boolean;
}

/** Server context Node's adapter passes in (absent for `yoga.fetch` in tests). */
interface ServerContext {
  req?: IncomingMessage;
}

export type HanseiYoga = YogaServerInstance<ServerContext, Context>;

/** What a request was admitted with, before the response cache is asked. */
interface Admission {
  pin: Pin;
  viewer: Viewer;
}

/** Builds the API. */
export function createHanseiServer(options: HanseiServerOptions): HanseiYoga {
  const { events } = options;
  const live = 'pin' in options.index ? options.index : createLiveIndex({ client: options.index });
  const now = options.now ?? (() => new Date());
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const retention = options.retention ?? DEFAULT_RETENTION;
  const trustedHops = options.trustProxy === true ? 1 : Number(options.trustProxy || 0);
  const tokens = options.tokens ?? [];
  const currentTokens = typeof tokens === 'function' ? tokens : () => tokens;
  const authenticate = createAuthenticator(currentTokens, () => now().getTime());
  const reuse = createReuseCache(events, 5000, () => now().toISOString().slice(0, 10));
  const shared = options.shared ?? createLocalSharedState({ ...DEFAULT_RATE_LIMIT, ...options.rateLimit }, events);
  const cache = options.cache ?? true;
  let voterHash: Promise<(clientKey: string) => string> | undefined;
  const voterOf = async (clientKey: string) => {
    voterHash ??= createVoterHash(events);
    return (await voterHash)(clientKey);
  };
  // Tablets re-run the same searches (and page through them): a page stays valid until
  // the index or the reuse scores change, both part of the key.
  const searchCache: Context['searchCache'] = cache
    ? new LRUCache<string, SearchPage>({ max: 500 })
    : { get: () => undefined, set: () => undefined };
  // Whole responses to identical queries, per token and index generation, for a few
  // seconds: the shop floor asks the same things at once. Recording events drops every
  // cached result that rankings or metrics could change; so does a new tokens list.
  const responses = createResponseStore();
  const onEventsRecorded = () => {
    reuse.invalidate();
    responses.clear();
  };
  let tokensSeen = currentTokens();

  const admitted = new WeakMap<Request, Admission>();
  // Authenticates and pins the index generation before the response cache is asked, so a
  // cached answer is only ever served to a valid token, from the generation it came from.
  const admission: Plugin<Context, ServerContext> = {
    async onParams({ request, context }) {
      if (tokensSeen !== currentTokens()) {
        tokensSeen = currentTokens();
        responses.clear();
      }
      const clientKey = clientAddress(request, context.req, trustedHops);
      const authenticated = authenticate(request.headers.get('authorization'), clientKey);
      if ('refused' in authenticated) {
        throw hanseiError(
          'UNAUTHENTICATED',
          authenticated.refused === 'expired' ? 'the API token has expired' : 'unknown API token',
        );
      }
      let pin: Pin;
      try {
        pin = await live.pin();
      } catch (error) {
        if (error instanceof IndexUnavailableError)
          throw hanseiError('INDEX_UNAVAILABLE', `the content index cannot be read: ${error.trouble.problem}`);
        throw error;
      }
      admitted.set(request, { pin, viewer: authenticated.viewer });
    },
    onResponse({ request }) {
      admitted.get(request)?.pin.release();
    },
  };

  return createYoga<ServerContext, Context>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    batching: false,
    multipart: false,
    // Counted as the bytes stream in: a chunked body is cut off like a declared one.
    maxRequestBodySize: limits.maxBodyBytes,
    logging: options.logging ?? false,
    graphiql: options.graphiql === false ? false : { title: 'Hansei API', defaultQuery: DEFAULT_QUERY },
    renderGraphiQL,
    maskedErrors: true,
    plugins: [
      useRequestParsing(),
      useQueryLimits(limits),
      useCsrfPrevention(),
      admission,
      cache
        ? useResponseCache({
            cache: responses,
            session: (request) =>
              `${admitted.get(request)?.pin.generation.id ?? 0}:${request.headers.get('authorization') ?? ''}`,
            ttl: RESPONSE_TTL_MS,
            includeExtensionMetadata: false,
          })
        : {},
      {
        onRequest({ request, url, endResponse, fetchAPI }) {
          if (url.pathname !== '/ready' || request.method !== 'GET') return;
          return readiness(live, events).then(({ ready, body }) =>
            endResponse(
              new fetchAPI.Response(JSON.stringify(body), {
                status: ready ? 200 : 503,
                headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
              }),
            ),
          );
        },
      },
      useErrorHygiene(),
    ],
    context: async ({ request }): Promise<Context> => {
      const admission = admitted.get(request);
      if (!admission) throw hanseiError('INTERNAL_SERVER_ERROR', 'request was not admitted');
      const { generation } = admission.pin;
      const instant = now();
      return {
        index: generation.reader,
        events,
        catalog: generation.catalog,
        generation: generation.id,
        viewer: admission.viewer,
        today: instant.toISOString().slice(0, 10),
        now: instant,
        history: options.history,
        reuseScores: () => reuse.get(),
        reuseVersion: () => reuse.version,
        searchCache,
        onEventsRecorded,
        onReadingsRecorded: () => responses.clear(),
        allowAnonymous: shared.allowAnonymous,
        recordReadings: shared.recordReadings,
        recordEvents: shared.recordEvents,
        retentionDays: retention.rawDays,
        voterOf,
        loaders: createLoaders(generation.reader),
        memo: new Map(),
      };
    },
  });
}

/** `/ready`: the index can serve its current generation and the events store answers. */
async function readiness(live: LiveIndex, events: Client): Promise<{ ready: boolean; body: unknown }> {
  await live.check();
  const index = live.state();
  let eventsOk = true;
  try {
    await events.execute('SELECT 1 FROM events LIMIT 1');
  } catch {
    eventsOk = false; // reported in the body; the store's own error is for the server log
  }
  const ready = index.ready && eventsOk;
  return {
    ready,
    body: {
      ready,
      index: {
        ready: index.ready,
        generation: index.generation,
        indexedAt: index.indexedAt,
        // The problem's name only: its detail names paths, which is for the server log.
        ...(index.trouble ? { problem: index.trouble.problem } : {}),
      },
      events: { ready: eventsOk },
    },
  };
}

/** How long an identical query may be answered from the response cache. */
export const RESPONSE_TTL_MS = 5000;

const DEFAULT_QUERY = `# What's going wrong? Search like a technician would.
query Troubleshoot {
  search(query: "torque gun fault", first: 5) {
    totalCount
    edges { score snippet node { documentId kind title status } }
    facets { failureMode { label count } }
  }
}
`;
