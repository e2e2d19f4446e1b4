/**
 * The listener: puts the Yoga app on a Node HTTP server. Kept apart from `yoga.ts` so
 * nothing opens a port on import and tests can use `yoga.fetch` alone.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StaticHandler } from './static-files.ts';
import type { HanseiYoga } from './yoga.ts';

export interface Listening {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Paths the API answers when a static site shares the port; everything else is a file. */
const API_PATHS = /^\/(graphql|health|ready)(\/|\?|$)/;

/**
 * Listens on `host:port` (port 0 picks a free one). With `site`, the API keeps its paths
 * and every other request is served from the static site (the built portal).
 */
export function listen(yoga: HanseiYoga, port: number, host: string, site?: StaticHandler): Promise<Listening> {
  const server = site
    ? createServer((request, response) => {
        if (API_PATHS.test(request.url ?? '/')) void yoga(request, response);
        else void site(request, response);
      })
    : createServer(yoga);
  // Slow or stalled clients must not hold sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        server,
        url: `http://${shown}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
