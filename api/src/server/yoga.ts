/**
 * The composition root of the API: builds the Yoga app over the index and the events
 * store. It reads no globals and opens no port; `serve.ts` listens, tests call
 * `yoga.fetch` directly.
 */
import type { IncomingMessage } from 'node:http';
import { useResponseCache } from '@graphql-yoga/plugin-response-cache';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { Client } from '@libsql/client';
import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { ChangeHistory } from '../handover/window-changes.ts';
import { createAuthenticator, type TokenEntry } from './auth.ts';
import { type Context, createLoaders } from './context.ts';
import { createCatalogCache } from './data/catalog.ts';
import { createReuseCache } from './data/events-store.ts';
import { createResponseStore } from './data/response-cache.ts';
import type { SearchPage } from './data/search.ts';
import { hanseiError } from './errors.ts';
import { DEFAULT_LIMITS, type QueryLimits, useCsrfPrevention, useQueryLimits } from './limits.ts';
import { createRateLimiter, DEFAULT_RATE_LIMIT, type RateLimitOptions } from './rate-limit.ts';
import { buildSchema } from './schema/index.ts';

export interface HanseiServerOptions {
  index: Client;
  events: Client;
  tokens?: readonly TokenEntry[];
  limits?: Partial<QueryLimits>;
  rateLimit?: RateLimitOptions;
  /** Serve GraphiQL on GET /graphql from a browser (self-contained, no CDN). Default true. */
  graphiql?: boolean;
  /** Use the first X-Forwarded-For address as the client address (behind a proxy). */
  trustProxy?: boolean;
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

/** Builds the API. */
export function createHanseiServer(options: HanseiServerOptions): HanseiYoga {
  const { index, events } = options;
  const now = options.now ?? (() => new Date());
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const authenticate = createAuthenticator(options.tokens ?? []);
  const catalog = createCatalogCache(index);
  const reuse = createReuseCache(events, 5000, () => now().toISOString().slice(0, 10));
  const allowAnonymous = createRateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  // Tablets re-run the same searches (and page through them): a page stays valid until
  // the index or the reuse scores change, both part of the key.
  const searchCache = new LRUCache<string, SearchPage>({ max: 500 });
  // Whole responses to identical queries, per token, for a few seconds: the shop floor asks
  // the same things at once (a line stops, everyone looks it up). Recording events drops
  // every cached result that rankings or metrics could change.
  const responses = createResponseStore();
  const onEventsRecorded = () => {
    reuse.invalidate();
    responses.clear();
  };

  return createYoga<ServerContext, Context>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    batching: false,
    logging: options.logging ?? false,
    graphiql: options.graphiql === false ? false : { title: 'Hansei API', defaultQuery: DEFAULT_QUERY },
    renderGraphiQL,
    maskedErrors: true,
    plugins: [
      useQueryLimits(limits),
      useCsrfPrevention(),
      useResponseCache({
        cache: responses,
        session: (request) => request.headers.get('authorization'),
        ttl: RESPONSE_TTL_MS,
        includeExtensionMetadata: false,
      }),
      useReadinessCheck({
        endpoint: '/ready',
        check: async () => {
          await Promise.all([
            index.execute('SELECT 1 FROM meta LIMIT 1'),
            events.execute('SELECT 1 FROM events LIMIT 1'),
          ]);
          return true;
        },
      }),
    ],
    context: async ({ request, req }): Promise<Context> => {
      const forwarded = options.trustProxy ? request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
      const clientKey = forwarded || req?.socket.remoteAddress || 'local';
      const viewer = authenticate(request.headers.get('authorization'), clientKey);
      if (!viewer) throw hanseiError('UNAUTHENTICATED', 'unknown API token');
      const instant = now();
      return {
        index,
        events,
        catalog: await catalog.get(),
        viewer,
        today: instant.toISOString().slice(0, 10),
        now: instant,
        history: options.history,
        reuseScores: () => reuse.get(),
        reuseVersion: () => reuse.version,
        searchCache,
        onEventsRecorded,
        onReadingsRecorded: () => responses.clear(),
        allowAnonymous,
        loaders: createLoaders(index),
        memo: new Map(),
      };
    },
  });
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
