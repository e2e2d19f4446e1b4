/**
 * `hansei serve`: the GraphQL API over the index and the events store.
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR, openEvents, openIndex, storageConfig } from '../db/storage.ts';
import { createChangeHistory } from '../handover/window-changes.ts';
import { loadTokens } from '../server/auth.ts';
import { listen } from '../server/listen.ts';
import { staticFiles } from '../server/static-files.ts';
import { createHanseiServer } from '../server/yoga.ts';
import { CliError, type Command, parseCommandArgs } from './command.ts';

const USAGE = `Usage: hansei serve [options]

Serves the GraphQL API at /graphql (GraphiQL in a browser), /health and /ready, and
with --portal the built portal (portal/dist) on the same port.
Run "hansei index" first: the API reads the index it builds.

Options:
  --port <n>        port (default: 4000, or $PORT)
  --host <addr>     address to listen on (default: 127.0.0.1; 0.0.0.0 for all)
  --data <dir>      data folder (default: ${DEFAULT_DATA_DIR}, or $HANSEI_DATA_DIR)
  --portal <dir>    also serve this static site (the built portal, portal/dist) at /
  --content <dir>   content folder whose git history the handover digest reads
                    (default: ./content when it exists)
  -h, --help        show this help

Environment:
  HANSEI_API_TOKENS_FILE   YAML list of tokens ({name, sha256, scopes}); see "hansei token"
  HANSEI_API_TOKENS        the same list as JSON
  HANSEI_INTROSPECTION     "false" to switch introspection off (production)
  HANSEI_GRAPHIQL          "false" to switch GraphiQL off
  HANSEI_TRUST_PROXY       "true" behind a reverse proxy (client address from X-Forwarded-For)
`;

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

  const config = storageConfig(values.data);
  const index = await openIndex(config);
  const events = await openEvents(config);
  let tokens: Awaited<ReturnType<typeof loadTokens>>;
  try {
    tokens = await loadTokens();
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const contentDir = resolve(values.content ?? 'content');
  if (values.content !== undefined && !existsSync(contentDir))
    throw new CliError(`--content: no folder at "${values.content}"`);
  // Without git history the digest still lists actions and searches, and says so.
  const history = existsSync(contentDir) ? await createChangeHistory(contentDir) : undefined;
  const yoga = createHanseiServer({
    index,
    events,
    tokens,
    ...(history ? { history } : {}),
    limits: { introspection: process.env.HANSEI_INTROSPECTION !== 'false' },
    graphiql: process.env.HANSEI_GRAPHIQL !== 'false',
    trustProxy: process.env.HANSEI_TRUST_PROXY === 'true',
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
  const listening = await listen(yoga, port, values.host, site);
  if (site) process.stdout.write(`Hansei portal on ${listening.url}/\n`);
  process.stdout.write(
    `Hansei API on ${listening.url}/graphql (${tokens.length} API token${tokens.length === 1 ? '' : 's'} configured)\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('shutting down\n');
  await listening.close();
  await history?.close();
  index.close();
  events.close();
  return 0;
};
