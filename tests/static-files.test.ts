/**
 * The portal's static file server (`hansei serve --portal`): files under the folder only,
 * GET and HEAD only, and text compressed with the encoding the client accepts.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiateEncoding, staticFiles } from '../api/src/server/static-files.ts';

let root: string;
let server: Server;
let port: number;
const page = `<!doctype html><title>t</title>${'<p>Torque controller fault on the nutrunner.</p>'.repeat(200)}`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hansei-static-'));
  await mkdir(join(root, 'site/docs/a'), { recursive: true });
  await mkdir(join(root, 'site/pagefind/index'), { recursive: true });
  await writeFile(join(root, 'site/docs/a/index.html'), page);
  await writeFile(join(root, 'site/small.txt'), 'tiny');
  await writeFile(join(root, 'site/pagefind/index/en_1.pf_index'), Buffer.alloc(4096, 7));
  await writeFile(join(root, 'secret.txt'), 'outside the site');
  const handler = await staticFiles(join(root, 'site'));
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.close();
  await rm(root, { recursive: true, force: true });
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static files', () => {
  it('sends text uncompressed when the client accepts no encoding', async () => {
    const response = await get('/docs/a/');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toBe('accept-encoding');
    expect(response.body.toString()).toBe(page);
  });

  it('prefers Brotli, falls back to gzip, and honours q=0', async () => {
    const br = await get('/docs/a/', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(page.length / 10);
    expect(brotliDecompressSync(br.body).toString()).toBe(page);

    const gzip = await get('/docs/a/', { 'accept-encoding': 'gzip;q=0.8, br;q=0' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(page);

    const none = await get('/docs/a/', { 'accept-encoding': 'identity, *;q=0' });
    expect(none.headers['content-encoding']).toBeUndefined();
  });

  it('leaves small files and Pagefind index files (already compressed) alone', async () => {
    expect((await get('/small.txt', { 'accept-encoding': 'br' })).headers['content-encoding']).toBeUndefined();
    const chunk = await get('/pagefind/index/en_1.pf_index', { 'accept-encoding': 'br' });
    expect(chunk.headers['content-encoding']).toBeUndefined();
    expect(chunk.headers['cache-control']).toContain('immutable');
    expect(chunk.body.length).toBe(4096);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await get('/docs/a/', { 'accept-encoding': 'br' }, 'HEAD');
    const full = await get('/docs/a/', { 'accept-encoding': 'br' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(full.headers['content-length']);
  });

  it('refuses other methods and anything outside the folder', async () => {
    expect((await get('/docs/a/', {}, 'POST')).status).toBe(405);
    expect((await get('/../secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/%E0%A4%A')).status).toBe(400);
  });

  it('negotiates encodings from the Accept-Encoding header', () => {
    expect(negotiateEncoding(undefined)).toBeUndefined();
    expect(negotiateEncoding('gzip')).toBe('gzip');
    expect(negotiateEncoding('br;q=0.1, gzip;q=1')).toBe('gzip');
    expect(negotiateEncoding('gzip, br')).toBe('br');
    expect(negotiateEncoding('*')).toBe('br');
    expect(negotiateEncoding('*;q=0, gzip')).toBe('gzip');
    expect(negotiateEncoding('deflate')).toBeUndefined();
  });
});
