/**
 * `hansei serve`: the GraphQL API over the index and the events store.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isRemote, localPath } from '../db/database.ts';
import { DEFAULT_DATA_DIR, openEvents, storageConfig } from '../db/storage.ts';
import { createChangeHistory } from '../handover/window-changes.ts';
import { createTokenStore, type TokenStore } from '../server/auth.ts';
import { DEFAULT_RETENTION, retentionDaysFromEnv, startRetention } from '../server/data/event-retention.ts';
import { createLiveIndex } from '../server/data/live-index.ts';
import { listen } from '../server/listen.ts';
import { DEFAULT_RATE_LIMIT } from '../server/rate-limit.ts';
import { staticFiles } from '../server/static-files.ts';
import { createHanseiServer } from '../server/yoga.ts';
import { CliError, type Command, parseCommandArgs } from './command.ts';
import { indexTroubleError, openStore } from './store-errors.ts';

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
                                burst of ${DEFAULT_RATE_LIMIT.global.burst} (default ${DEFAULT_RATE_LIMIT.global.perSecond})

Exit status: 0 after SIGINT/SIGTERM; 2 usage; 66 no or empty index; 65 corrupt or
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
    },
    USAGE,
  );
  if (!args) return 0;
  const { values } = args;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be a port number, not "${values.port}"`);
  const trustProxy = parseTrustProxy(process.env.HANSEI_TRUST_PROXY);
  if (trustProxy === undefined)
    throw new CliError('HANSEI_TRUST_PROXY must be a number of proxies (0–10), "true" or "false"', 'CONFIG_INVALID');
  const rawDays = retentionDaysFromEnv(process.env.HANSEI_EVENTS_RETENTION_DAYS);
  if (rawDays === undefined)
    throw new CliError('HANSEI_EVENTS_RETENTION_DAYS must be a whole number of days from 1 to 3650', 'CONFIG_INVALID');
  const retention = { ...DEFAULT_RETENTION, rawDays };
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
  const rateLimit = {
    perSecond: perMinute / 60,
    global: { ...DEFAULT_RATE_LIMIT.global, perSecond: totalPerSecond },
  };

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

  const config = storageConfig(values.data);
  const contentDir = resolve(values.content ?? 'content');
  if (values.content !== undefined && !existsSync(contentDir))
    throw new CliError(`--content: no folder at "${values.content}"`);
  const indexLocation = isRemote(config.index) ? config.index : localPath(config.index);
  const live = createLiveIndex({
    location: indexLocation,
    ...(config.authToken ? { authToken: config.authToken } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  await live.check();
  const state = live.state();
  if (state.trouble) throw indexTroubleError(state.trouble, config.index);
  // The server writes events: find out now, not at the first vote, if it cannot.
  const events = await openStore(config.events, 'events', () => openEvents(config), { mustWrite: true });
  await openStore(config.events, 'events', () =>
    events.batch(['CREATE TABLE IF NOT EXISTS write_probe (x)', 'DROP TABLE write_probe'], 'write'),
  );
  // Without git history the digest still lists actions and searches, and says so.
  const history = existsSync(contentDir) ? await createChangeHistory(contentDir) : undefined;

  const yoga = createHanseiServer({
    index: live,
    events,
    tokens: () => tokens.current(),
    ...(history ? { history } : {}),
    limits: { introspection: process.env.HANSEI_INTROSPECTION !== 'false' },
    graphiql: process.env.HANSEI_GRAPHIQL !== 'false',
    trustProxy,
    retention,
    rateLimit,
    logging: true,
  });
  let site: Awaited<ReturnType<typeof staticFiles>> | undefined;
  if (values.portal) {
    try {
      site = await staticFiles(values.portal);
    } catch {
      throw new CliError(`--portal: no built site at "${values.portal}" (run "npm run build -w portal" first)`);
    }
  }
  let listening: Awaited<ReturnType<typeof listen>>;
  try {
    listening = await listen(yoga, port, values.host, site);
  } catch (error) {
    throw listenError(error, values.host, port);
  }
  const retentionTimer = startRetention(events, retention, {
    onError: (error) =>
      process.stderr.write(`hansei: pruning old events failed: ${error instanceof Error ? error.message : error}\n`),
  });
  if (site) process.stdout.write(`Hansei portal on ${listening.url}/\n`);
  const count = tokens.current().length;
  process.stdout.write(
    `Hansei API on ${listening.url}/graphql (${count} API token${count === 1 ? '' : 's'} configured)\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('shutting down\n');
  retentionTimer.stop();
  tokens.close();
  await listening.close();
  await history?.close();
  live.close();
  events.close();
  return 0;
};

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
