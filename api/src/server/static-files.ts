/**
 * Serves a built static site (the portal's `dist/`) from the same Node listener as the
 * API. Only GET and HEAD, only files under the folder (no `..`, no symlinks out), with
 * `/dir/` mapped to `/dir/index.html`. Content-hashed assets are cached for a year.
 * Text (HTML, JS, CSS, JSON, SVG, MDX) is sent Brotli- or gzip-compressed when the
 * browser accepts it: on a tablet on poor Wi-Fi, Pagefind's runtime shrinks from 47 kB to
 * 13 kB. Compressed bodies are kept in memory, keyed by file, size and modification time.
 */
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

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

/** Types worth compressing; Pagefind's index files and images are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.mdx', '.txt', '.webmanifest']);
const MIN_COMPRESS_BYTES = 1024;
const MAX_COMPRESS_BYTES = 8 * 1024 * 1024;
const CACHE_BYTES = 64 * 1024 * 1024;

type Encoding = 'br' | 'gzip';
const compressors: Record<Encoding, (input: Buffer) => Promise<Buffer>> = {
  // Quality 9: most of Brotli's gain at a fraction of quality 11's time, once per file.
  br: (input) => promisify(brotliCompress)(input, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }),
  gzip: (input) => promisify(gzip)(input, { level: 9 }),
};

/** The encoding the request weighs highest (Brotli on a tie; q=0 refuses one), or none. */
export function negotiateEncoding(header: string | undefined): Encoding | undefined {
  const accepted = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    if (name) accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (name: Encoding) => accepted.get(name) ?? accepted.get('*') ?? 0;
  const best = (['br', 'gzip'] as const).reduce((a, b) => (weight(b) > weight(a) ? b : a));
  return weight(best) > 0 ? best : undefined;
}

/** Compressed file bodies, least recently used dropped first beyond CACHE_BYTES. */
class CompressedCache {
  #entries = new Map<string, Promise<Buffer>>();
  #sizes = new Map<string, number>();
  #bytes = 0;

  get(file: { path: string; size: number; mtimeMs: number }, encoding: Encoding): Promise<Buffer> {
    const key = `${encoding}:${file.path}:${file.size}:${file.mtimeMs}`;
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const body = readFile(file.path).then((raw) => compressors[encoding](raw));
    this.#entries.set(key, body);
    body.then(
      (buffer) => this.#account(key, buffer.length),
      () => this.#entries.delete(key),
    );
    return body;
  }

  #account(key: string, size: number): void {
    if (!this.#entries.has(key)) return;
    this.#sizes.set(key, size);
    this.#bytes += size;
    for (const oldest of this.#entries.keys()) {
      if (this.#bytes <= CACHE_BYTES) break;
      this.#entries.delete(oldest);
      this.#bytes -= this.#sizes.get(oldest) ?? 0;
      this.#sizes.delete(oldest);
    }
  }
}

export type StaticHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** A request handler for the files under `root`. */
export async function staticFiles(root: string): Promise<StaticHandler> {
  const base = await realpath(resolve(root));
  const compressed = new CompressedCache();
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
    const extension = extname(file.path);
    const headers: Record<string, string | number> = {
      'content-type': TYPES[extension] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    };
    const compressible =
      COMPRESSIBLE.has(extension) && file.size >= MIN_COMPRESS_BYTES && file.size <= MAX_COMPRESS_BYTES;
    const encoding = compressible ? negotiateEncoding(request.headers['accept-encoding']) : undefined;
    if (compressible) headers.vary = 'accept-encoding';
    if (encoding) {
      let body: Buffer;
      try {
        body = await compressed.get(file, encoding);
      } catch {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Could not read the file');
        return;
      }
      response.writeHead(200, { ...headers, 'content-encoding': encoding, 'content-length': body.length });
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    response.writeHead(200, { ...headers, 'content-length': file.size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file.path).pipe(response);
  };
}

interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
}

async function findFile(base: string, path: string): Promise<FoundFile | undefined> {
  if (path.includes('\0')) return undefined;
  const candidates = path.endsWith('/') ? [join(path, 'index.html')] : [path, join(path, 'index.html')];
  for (const candidate of candidates) {
    try {
      const real = await realpath(join(base, candidate));
      if (real !== base && !real.startsWith(base + sep)) continue;
      const info = await stat(real);
      if (info.isFile()) return { path: real, size: info.size, mtimeMs: info.mtimeMs };
    } catch {
      // not there
    }
  }
  return undefined;
}
