/**
 * Serves a built static site (the portal's `dist/`) from the same Node listener as the
 * API. Only GET and HEAD, only files under the folder (no `..`, no symlinks out), with
 * `/dir/` mapped to `/dir/index.html`. Content-hashed assets are cached for a year.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.mdx': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export type StaticHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** A request handler for the files under `root`. */
export async function staticFiles(root: string): Promise<StaticHandler> {
  const base = await realpath(resolve(root));
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      response.writeHead(400).end();
      return;
    }
    const file = await findFile(base, path);
    if (!file) {
      const notFound = await findFile(base, '/404.html');
      response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      if (notFound && request.method === 'GET') createReadStream(notFound.path).pipe(response);
      else response.end('Not found');
      return;
    }
    const immutable = path.startsWith('/_astro/') || (path.startsWith('/pagefind/') && !path.endsWith('.json'));
    response.writeHead(200, {
      'content-type': TYPES[extname(file.path)] ?? 'application/octet-stream',
      'content-length': file.size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file.path).pipe(response);
  };
}

async function findFile(base: string, path: string): Promise<{ path: string; size: number } | undefined> {
  if (path.includes('\0')) return undefined;
  const candidates = path.endsWith('/') ? [join(path, 'index.html')] : [path, join(path, 'index.html')];
  for (const candidate of candidates) {
    try {
      const real = await realpath(join(base, candidate));
      if (real !== base && !real.startsWith(base + sep)) continue;
      const info = await stat(real);
      if (info.isFile()) return { path: real, size: info.size };
    } catch {
      // not there
    }
  }
  return undefined;
}
