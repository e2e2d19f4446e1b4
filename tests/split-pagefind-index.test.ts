/**
 * The portal's Pagefind index splitter: a real Pagefind index (Pagefind's Node API), split
 * into many small chunks, must answer every search exactly as the index Pagefind wrote,
 * in Chromium with Pagefind's own runtime; and an index it cannot vouch for is left as is.
 */

import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decode } from 'cbor-x';
import { close, createIndex } from 'pagefind';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticFiles } from '../api/src/server/static-files.ts';
import { splitPagefindIndex } from '../portal/scripts/split-pagefind-index.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from './helpers/portal.ts';

const COMMON = 'the line stopped when operator found fault during shift after check'.split(' ');
const RARE = Array.from({ length: 300 }, (_, i) => `part${i.toString(36)}x`);
const MACHINES = ['press', 'welder', 'robot', 'conveyor'];

function page(n: number): string {
  const words = Array.from({ length: 40 }, (_, i) =>
    i % 3 ? (COMMON[(n * 7 + i) % COMMON.length] as string) : (RARE[(n * 13 + i * 5) % RARE.length] as string),
  );
  return `<html lang="en"><body><main data-pagefind-body>
    <h1>Stoppage ${n} on the ${MACHINES[n % MACHINES.length]}</h1>
    <span data-pagefind-filter="machine">${MACHINES[n % MACHINES.length]}</span>
    <p data-pagefind-weight="3">torque ${n % 5 === 0 ? 'controller' : 'spindle'}</p>
    <p>${words.join(' ')}</p></main></body></html>`;
}

async function listing(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length), (await readFile(path)).toString('base64'));
  }
  return files;
}

function unpack(bytes: Buffer): unknown {
  return decode(gunzipSync(bytes).subarray('pagefind_dcd'.length));
}

/** Runs in the page: Pagefind's own runtime from `/<bundle>/pagefind/`, on the main thread. */
const BROWSER_SEARCH = `async ({ bundle, queries }) => {
  const pagefind = await import('/' + bundle + '/pagefind/pagefind.js');
  await pagefind.options({ noWorker: true });
  await pagefind.init();
  const out = [];
  for (const [query, filters] of queries) {
    const search = await pagefind.search(query, { filters });
    const results = [];
    for (const result of search.results) {
      const url = (await result.data()).url.replace('/' + bundle, '');
      results.push({ url, score: result.score.toFixed(6) });
    }
    out.push({ query, results, filters: search.filters });
  }
  return out;
}`;

let work: string;
let original: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hansei-pagefind-'));
  original = join(work, 'original');
  const { index } = await createIndex({ forceLanguage: 'en' });
  if (!index) throw new Error('pagefind did not start');
  for (let n = 0; n < 240; n++) {
    await index.addHTMLFile({ url: `/docs/${n}/`, content: page(n) });
  }
  await index.writeFiles({ outputPath: join(original, 'pagefind') });
  await close();
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function copyOf(name: string): Promise<string> {
  const dir = join(work, name);
  await cp(original, dir, { recursive: true });
  return dir;
}

async function wordsOf(dist: string): Promise<{ words: string[]; chunks: [string, string, string][] }> {
  const bundle = join(dist, 'pagefind');
  const entry = JSON.parse(await readFile(join(bundle, 'pagefind-entry.json'), 'utf8'));
  const meta = unpack(await readFile(join(bundle, `pagefind.${entry.languages.en.hash}.pf_meta`))) as unknown[];
  const chunks = meta[2] as [string, string, string][];
  const words: string[] = [];
  for (const [, , hash] of chunks) {
    const [chunkWords] = unpack(await readFile(join(bundle, 'index', `${hash}.pf_index`))) as [[string, unknown][]];
    words.push(...chunkWords.map(([word]) => word));
  }
  return { words, chunks };
}

describe('split-pagefind-index', () => {
  it('re-cuts the chunks, keeping every word in order, and removes the files it replaced', async () => {
    const dist = await copyOf('split');
    const before = await wordsOf(dist);
    const result = await splitPagefindIndex(dist, 40);
    expect(result.skipped).toBeUndefined();
    expect(result.chunksBefore).toBe(before.chunks.length);
    const after = await wordsOf(dist);
    expect(after.chunks.length).toBe(result.chunksAfter);
    expect(after.chunks.length).toBeGreaterThan(before.chunks.length * 5);
    expect(after.words).toEqual(before.words);
    // Exactly the chunks and metadata the entry file names are left on disk.
    const files = [...(await listing(join(dist, 'pagefind'))).keys()];
    expect(files.filter((file) => file.startsWith('/index/')).sort()).toEqual(
      after.chunks.map(([, , hash]) => `/index/${hash}.pf_index`).sort(),
    );
    expect(files.filter((file) => file.endsWith('.pf_meta'))).toHaveLength(1);
    // Chunk boundaries as Pagefind draws them: ordered, and each word inside its chunk's range.
    for (const [i, [from, to]] of after.chunks.entries()) {
      const next = after.chunks[i + 1];
      if (next) expect(to < next[0]).toBe(true);
      expect(from <= to || to.startsWith(from.slice(0, to.length))).toBe(true);
    }
  });

  it('leaves an index of an unknown Pagefind version untouched', async () => {
    const dist = await copyOf('unknown-version');
    const entryPath = join(dist, 'pagefind/pagefind-entry.json');
    const entry = JSON.parse(await readFile(entryPath, 'utf8'));
    await writeFile(entryPath, JSON.stringify({ ...entry, version: '2.0.0' }));
    const before = await listing(dist);
    const result = await splitPagefindIndex(dist, 40);
    expect(result.skipped).toMatch(/2\.0\.0/);
    expect(await listing(dist)).toEqual(before);
  });

  it('leaves the index untouched when a chunk does not read back byte for byte', async () => {
    const dist = await copyOf('odd-chunk');
    const [chunk] = await readdir(join(dist, 'pagefind/index'));
    const path = join(dist, 'pagefind/index', chunk as string);
    // Same content, but with a non-shortest CBOR integer: a layout this script did not write.
    const raw = gunzipSync(await readFile(path));
    await writeFile(path, gzipSync(Buffer.concat([raw, Buffer.from([0x18, 0x01])])));
    const before = await listing(dist);
    const result = await splitPagefindIndex(dist, 40);
    expect(result.skipped).toMatch(/pf_index/);
    expect(await listing(dist)).toEqual(before);
  });

  describe('in Chromium, with Pagefind’s runtime', () => {
    let browser: Browser;
    let server: Server;
    let url: string;

    beforeAll(async () => {
      const split = await copyOf('searched-split');
      await splitPagefindIndex(split, 40);
      await writeFile(join(work, 'index.html'), '<!doctype html><html lang="en"><title>search</title></html>');
      const handler = await staticFiles(work);
      server = createServer((request, response) => void handler(request, response));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      server?.close();
    });

    async function searchAll(bundle: string, queries: [string, Record<string, string[]>][]) {
      const page = await browser.newPage();
      await page.goto(`${url}/`);
      // A string, not a function: vitest would rewrite a function's import() for Node.
      const answers = (await page.evaluate(`(${BROWSER_SEARCH})(${JSON.stringify({ bundle, queries })})`)) as {
        query: string;
        results: { url: string; score: string }[];
        filters: unknown;
      }[];
      await page.close();
      return answers;
    }

    it('answers every search exactly as the index Pagefind wrote', async () => {
      const queries: [string, Record<string, string[]>][] = [
        ['torque', {}],
        ['torque controller', {}],
        ['controller', { machine: ['press'] }],
        ['the line stopped', {}],
        [RARE[17] as string, {}],
        [`${RARE[200]} ${RARE[3]} fault`, {}],
        ['part1', {}], // a prefix that spans many small chunks
        ['stop', {}], // stemmed
        ['welder', {}],
        ['nothingmatchesthis', {}],
      ];
      const expected = await searchAll('original', queries);
      const actual = await searchAll('searched-split', queries);
      expect(expected.some((answer) => answer.results.length > 20)).toBe(true);
      expect(actual).toEqual(expected);
    }, 60_000);
  });
});
