/**
 * `hansei serve`: the GraphQL API over the index and the events store.
 */

import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Client } from '@libsql/client';
import { isRemote, localPath } from '../db/database.ts';
import { DEFAULT_DATA_DIR, openEvents, storageConfig } from '../db/storage.ts';
import { createChangeHistory } from '../handover/window-changes.ts';
import { createTokenStore, type TokenStore } from '../server/auth.ts';
import {
  DEFAULT_RETENTION,
  type RetentionPolicy,
  retentionDaysFromEnv,
  startRetention,
} from '../server/data/event-retention.ts';
import { createLiveIndex, inspectIndex } from '../server/data/live-index.ts';
import { listen } from '../server/listen.ts';
import { DEFAULT_RATE_LIMIT, type RateLimitOptions } from '../server/rate-limit.ts';
import { createPrimarySharedState, createWorkerSharedState } from '../server/shared-state.ts';
import { staticFiles } from '../server/static-files.ts';
import { createHanseiServer } from '../server/yoga.ts';
import { CliError, type Command, parseCommandArgs } from './command.ts';
import { type ReadyMessage, runCluster } from './serve-cluster.ts';
import { indexTroubleError, openStore } from './store-errors.ts';

/** More workers than this is a typo, not a machine. */
const MAX_WORKERS = 64;

const USAGE = `Usage: hansei serve [options]

Serves the GraphQL API at /graphql (GraphiQL in a browser), /health and /ready, and
with --portal the built portal (portal/dist) on the same port.
Run "hansei index" first: the API reads the index it builds, and follows it when it is
rebuilt or replaced (GET /ready answers 503 while the index file is missing, empty,
corrupt or outdated).

Options:
  --port <n>        port (default: 4000, or $PORT)
  --host <addr>     address to listen on (default: 127.0.0.1; 0.0.0.0 for all)
  --data <dir>      data folder (default: ${DEFAULT_DATA_DIR}, or $HANSEI_DATA_DIR)
  --portal <dir>    also serve this static site (the built portal, portal/dist) at /
  --content <dir>   content folder whose git history the handover digest reads
                    (default: ./content when it exists)
  --workers <n>     processes serving the port (default: the number of cores); each
                    reads the index and follows its swaps, all write the one events
                    store; 1 serves from this process alone
  -h, --help        show this help

Environment:
  HANSEI_API_TOKENS_FILE        YAML list of tokens ({name, sha256, scopes, expires?}); read
                                again whenever it changes; see "hansei token"
  HANSEI_API_TOKENS             the same list as JSON
  HANSEI_INTROSPECTION          "false" to switch introspection off
  HANSEI_GRAPHIQL               "false" to switch GraphiQL off
  HANSEI_TRUST_PROXY            number of reverse proxies in front ("true" = 1): the client
                                address is taken that many entries from the right of
                                X-Forwarded-For
  HANSEI_EVENTS_RETENTION_DAYS  days raw events are kept (default ${DEFAULT_RETENTION.rawDays}); older ones
                                live on in daily aggregates only (citations are kept)
  HANSEI_ANONYMOUS_PER_MINUTE   anonymous events per client address and minute after a
                                burst of ${DEFAULT_RATE_LIMIT.burst} (default ${DEFAULT_RATE_LIMIT.perSecond * 60})
  HANSEI_ANONYMOUS_TOTAL_PER_SECOND
                                anonymous events per second, all clients together, after a
                                burst of ${DEFAULT_RATE_LIMIT.global.burst} (default ${DEFAULT_RATE_LIMIT.global.perSecond}); with workers, the
                                limits hold for the server as a whole
  HANSEI_RESPONSE_CACHE         "false" to switch off the response cache and the search page
                                cache (every request does its work: for measuring)

Exit status (with workers too: the primary checks before it forks, or exits as a worker
that failed to start did): 0 after SIGINT/SIGTERM; 2 usage; 66 no or empty index; 65 corrupt or
outdated store; 73 read-only events store; 69 port in use; 78 invalid configuration.
`;

/** Parses HANSEI_TRUST_PROXY: a number of hops, "true" (1) or "false"/empty (0). */
export function parseTrustProxy(value: string | undefined): number | undefined {
  if (value === undefined || value === '' || value === 'false') return 0;
  if (value === 'true') return 1;
  const hops = Number(value);
  return Number.isInteger(hops) && hops >= 0 && hops <= 10 ? hops : undefined;
}

export const runServe: Command = async (argv) => {
  const args = parseCommandArgs(
    argv,
    {
      port: { type: 'string', default: process.env.PORT ?? '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      portal: { type: 'string' },
      content: { type: 'string' },
      workers: { type: 'string', default: String(availableParallelism()) },
    },
    USAGE,
  );
  if (!args) return 0;
  const settings = readSettings(args.values);
  if (settings.workers > 1 && cluster.isPrimary) return servePrimary(settings);
  return serveProcess(settings);
};

/** What `hansei serve` was asked to do, checked: every configuration error is found here. */
interface ServeSettings {
  port: number;
  host: string;
  workers: number;
  dataDir: string | undefined;
  portal: string | undefined;
  contentDir: string;
  trustProxy: number;
  retention: RetentionPolicy;
  rateLimit: RateLimitOptions;
  cache: boolean;
}

function readSettings(values: {
  port: string;
  host: string;
  data?: string | undefined;
  portal?: string | undefined;
  content?: string | undefined;
  workers: string;
}): ServeSettings {
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be a port number, not "${values.port}"`);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS)
    throw new CliError(`--workers must be a whole number from 1 to ${MAX_WORKERS}, not "${values.workers}"`);
  const trustProxy = parseTrustProxy(process.env.HANSEI_TRUST_PROXY);
  if (trustProxy === undefined)
    throw new CliError('HANSEI_TRUST_PROXY must be a number of proxies (0–10), "true" or "false"', 'CONFIG_INVALID');
  const rawDays = retentionDaysFromEnv(process.env.HANSEI_EVENTS_RETENTION_DAYS);
  if (rawDays === undefined)
    throw new CliError('HANSEI_EVENTS_RETENTION_DAYS must be a whole number of days from 1 to 3650', 'CONFIG_INVALID');
  const perMinute = positiveNumber(process.env.HANSEI_ANONYMOUS_PER_MINUTE, DEFAULT_RATE_LIMIT.perSecond * 60);
  const totalPerSecond = positiveNumber(
    process.env.HANSEI_ANONYMOUS_TOTAL_PER_SECOND,
    DEFAULT_RATE_LIMIT.global.perSecond,
  );
  if (perMinute === undefined || totalPerSecond === undefined)
    throw new CliError(
      'HANSEI_ANONYMOUS_PER_MINUTE and HANSEI_ANONYMOUS_TOTAL_PER_SECOND must be positive numbers',
      'CONFIG_INVALID',
    );
  const cache = process.env.HANSEI_RESPONSE_CACHE;
  if (cache !== undefined && cache !== '' && cache !== 'true' && cache !== 'false')
    throw new CliError('HANSEI_RESPONSE_CACHE must be "true" or "false"', 'CONFIG_INVALID');
  const contentDir = resolve(values.content ?? 'content');
  if (values.content !== undefined && !existsSync(contentDir))
    throw new CliError(`--content: no folder at "${values.content}"`);
  return {
    port,
    host: values.host,
    workers,
    dataDir: values.data,
    portal: values.portal,
    contentDir,
    trustProxy,
    retention: { ...DEFAULT_RETENTION, rawDays },
    rateLimit: {
      ...DEFAULT_RATE_LIMIT,
      perSecond: perMinute / 60,
      global: { ...DEFAULT_RATE_LIMIT.global, perSecond: totalPerSecond },
    },
    cache: cache !== 'false',
  };
}

/** The stores and files a server needs, opened and checked (each failure one line, its exit status). */
async function openServing(settings: ServeSettings) {
  let tokens: TokenStore;
  try {
    tokens = createTokenStore(process.env, {
      onReload: (count, error) =>
        process.stderr.write(
          error
            ? `hansei: CONFIG_INVALID  ${error.message}; no token from that file is accepted until it is fixed\n`
            : `tokens file reloaded: ${count} token${count === 1 ? '' : 's'}\n`,
        ),
    });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), 'CONFIG_INVALID');
  }
  const config = storageConfig(settings.dataDir);
  const index = {
    location: isRemote(config.index) ? config.index : localPath(config.index),
    name: config.index,
    ...(config.authToken ? { authToken: config.authToken } : {}),
  };
  // Checked, not loaded: a cluster's primary serves no request (each worker loads it).
  const trouble = await inspectIndex(index.location, index.authToken);
  if (trouble) throw indexTroubleError(trouble, index.name);
  // The server writes events: find out now, not at the first vote, if it cannot.
  const events = await openStore(config.events, 'events', () => openEvents(config), { mustWrite: true });
  await openStore(config.events, 'events', () =>
    events.batch(['CREATE TABLE IF NOT EXISTS write_probe (x)', 'DROP TABLE write_probe'], 'write'),
  );
  let site: Awaited<ReturnType<typeof staticFiles>> | undefined;
  if (settings.portal) {
    try {
      site = await staticFiles(settings.portal);
    } catch {
      throw new CliError(`--portal: no built site at "${settings.portal}" (run "npm run build -w portal" first)`);
    }
  }
  return { tokens, index, events, site };
}

/** Prunes raw events past the retention window hourly; a failed pass is logged, the next one tries again. */
function startPruning(events: Client, retention: RetentionPolicy) {
  return startRetention(events, retention, {
    onError: (error) =>
      process.stderr.write(`hansei: pruning old events failed: ${error instanceof Error ? error.message : error}\n`),
  });
}

/** The lines a started server prints (tests and scripts wait for the URL). */
function announce(url: string, portal: boolean, tokens: number, workers: number): void {
  if (portal) process.stdout.write(`Hansei portal on ${url}/\n`);
  process.stdout.write(
    `Hansei API on ${url}/graphql (${tokens} API token${tokens === 1 ? '' : 's'} configured${workers > 1 ? `, ${workers} workers` : ''})\n`,
  );
}

/**
 * The primary of `--workers N`: checks what every worker would check (so a startup error
 * is one line with its exit status, not N), then runs the workers, the retention timer and
 * what workers share (rate limits, KPI ingest, shared-state.ts).
 */
async function servePrimary(settings: ServeSettings): Promise<number> {
  const { tokens, events, site } = await openServing(settings);
  // Port 0 is a free port chosen when the first worker listens: nothing to probe.
  if (settings.port !== 0) await probePort(settings.port, settings.host);
  const retentionTimer = startPruning(events, settings.retention);
  const shared = createPrimarySharedState(settings.rateLimit, events);
  const status = await runCluster({
    workers: settings.workers,
    attach: (worker) => shared.attach(worker),
    onReady: (url) => announce(url, site !== undefined, tokens.current().length, settings.workers),
    onStopping: () => process.stdout.write('shutting down\n'),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  retentionTimer.stop();
  tokens.close();
  events.close();
  return status;
}

/** One serving process: the whole server (`--workers 1`), or one worker of the cluster. */
async function serveProcess(settings: ServeSettings): Promise<number> {
  const worker = cluster.isWorker;
  const { tokens, index, events, site } = await openServing(settings);
  const live = createLiveIndex({
    location: index.location,
    ...(index.authToken ? { authToken: index.authToken } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  await live.check();
  const trouble = live.state().trouble;
  if (trouble) throw indexTroubleError(trouble, index.name);
  // Without git history the digest still lists actions and searches, and says so.
  const history = existsSync(settings.contentDir) ? await createChangeHistory(settings.contentDir) : undefined;
  const yoga = createHanseiServer({
    index: live,
    events,
    tokens: () => tokens.current(),
    ...(history ? { history } : {}),
    limits: { introspection: process.env.HANSEI_INTROSPECTION !== 'false' },
    graphiql: process.env.HANSEI_GRAPHIQL !== 'false',
    trustProxy: settings.trustProxy,
    retention: settings.retention,
    rateLimit: settings.rateLimit,
    ...(worker ? { shared: createWorkerSharedState() } : {}),
    cache: settings.cache,
    logging: true,
  });
  let listening: Awaited<ReturnType<typeof listen>>;
  try {
    listening = await listen(yoga, settings.port, settings.host, site);
  } catch (error) {
    throw listenError(error, settings.host, settings.port);
  }
  // In a cluster the primary prunes, once for all workers.
  const retentionTimer = worker ? undefined : startPruning(events, settings.retention);
  if (worker) process.send?.({ hansei: 'ready', url: listening.url } satisfies ReadyMessage);
  else announce(listening.url, site !== undefined, tokens.current().length, 1);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // A worker whose primary is gone (killed) stops too.
    if (worker) process.once('disconnect', stop);
  });
  if (!worker) process.stdout.write('shutting down\n');
  retentionTimer?.stop();
  tokens.close();
  await listening.close();
  await history?.close();
  live.close();
  events.close();
  if (worker && process.connected) process.disconnect();
  return 0;
}

/** Fails with PORT_IN_USE (and the like) before any worker is forked. */
function probePort(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', (error) => reject(listenError(error, host, port)));
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/** A positive number from the environment, the default when unset, undefined when invalid. */
function positiveNumber(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  return Number.isFinite(number) && number > 0 ? number : undefined;
}

/** A listen failure as one line: a busy port, a privileged one, an address not on this machine. */
function listenError(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code === 'EADDRINUSE')
    return new CliError(`${where} is already in use (another "hansei serve"?); choose another --port`, 'PORT_IN_USE');
  if (code === 'EACCES')
    return new CliError(
      `${where} needs privileges (ports below 1024); choose --port 1024 or above`,
      'PORT_NOT_AVAILABLE',
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new CliError(
      `${host} is not an address of this machine; use --host 127.0.0.1 or 0.0.0.0`,
      'PORT_NOT_AVAILABLE',
    );
  return error instanceof Error ? error : new Error(String(error));
}
