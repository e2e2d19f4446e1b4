/**
 * Writes dist/offline-manifest.json after Pagefind: the files the service worker stores
 * at install so search works offline: the Pagefind runtime, index, filters and metadata,
 * and the result fragments too while the whole index stays under a budget. Files are
 * content-hashed by Pagefind, so the list's hash also names the cache.
 *
 * Then completes each business unit's "save for offline" list (dist/offline/<unit>.json,
 * written by the build with the unit's pages): adds the search index, the lexicon and the
 * site's scripts and styles, and the size of everything, so the button can say what it takes.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

const FRAGMENT_BUDGET = 8 * 1024 * 1024;

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  );
  return nested.flat();
}

/** Writes the manifest and completes the units' lists; returns the line to print. */
export async function writeOfflineManifest(dist: string): Promise<string> {
  /** The file a URL of the built site is served from. */
  const fileOf = (url: string) => join(dist, url.endsWith('/') ? `${url}index.html` : url);
  const files = await walk(join(dist, 'pagefind'));
  const sized = await Promise.all(
    files.map(async (file) => ({ url: `/${relative(dist, file)}`, size: (await stat(file)).size })),
  );
  const core = sized.filter(
    (file) => !file.url.includes('/fragment/') && !/pagefind-(ui|component-ui|modular-ui|highlight)/.test(file.url),
  );
  const fragments = sized.filter((file) => file.url.includes('/fragment/'));
  const total = [...core, ...fragments].reduce((sum, file) => sum + file.size, 0);
  // The KPI boards too: a huddle must see thresholds and what to discuss when the Wi-Fi drops.
  const kpiPages = (await walk(join(dist, 'kpis')).catch(() => []))
    .filter((file) => file.endsWith('/index.html'))
    .map((file) => `/${relative(dist, file).replace(/index\.html$/, '')}`)
    .sort();
  const urls = [
    '/',
    // What a tablet shows for a page it never saved, when there is no network.
    '/offline/',
    // The query brain's vocabulary and names (scripts/search-lexicon.ts).
    '/search/lexicon.json',
    ...kpiPages,
    ...core.map((file) => file.url),
    ...(total <= FRAGMENT_BUDGET ? fragments.map((file) => file.url) : []),
  ];
  const version = createHash('sha1').update(urls.join('\n')).digest('hex').slice(0, 12);
  await writeFile(join(dist, 'offline-manifest.json'), `${JSON.stringify({ version, urls })}\n`);

  const assets = (await walk(join(dist, '_astro')).catch(() => [])).map((file) => `/${relative(dist, file)}`);
  const unitLists = (await readdir(join(dist, 'offline')).catch(() => [])).filter((name) => name.endsWith('.json'));
  // The units' lists share most files (the search index, the scripts): each is sized once.
  const sizes = new Map<string, Promise<number | undefined>>();
  const sizeOf = (url: string) => {
    let size = sizes.get(url);
    if (!size) {
      size = stat(fileOf(url)).then(
        (info) => info.size,
        () => undefined,
      );
      sizes.set(url, size);
    }
    return size;
  };
  for (const name of unitLists) {
    const path = join(dist, 'offline', name);
    const list = JSON.parse(await readFile(path, 'utf8')) as { pages: string[] };
    const wanted = [...new Set(['/offline/', ...list.pages, ...assets, ...urls])];
    // Only what the build wrote (a page left out of the build is not asked for).
    const files = (await Promise.all(wanted.map(async (url) => ({ url, size: await sizeOf(url) })))).filter(
      (file): file is { url: string; size: number } => file.size !== undefined,
    );
    const bytes = files.reduce((sum, file) => sum + file.size, 0);
    await writeFile(path, `${JSON.stringify({ ...list, version, urls: files.map((file) => file.url), bytes })}\n`);
  }
  return `offline manifest: ${urls.length} files, ${(total / 1024).toFixed(0)} kB of search index; save-for-offline lists for ${unitLists.length} units`;
}

if (import.meta.main) {
  // The built site: the first argument, else portal/dist.
  const dist = resolve(process.argv[2] ?? new URL('../dist/', import.meta.url).pathname);
  process.stdout.write(`${await writeOfflineManifest(dist)}\n`);
}
