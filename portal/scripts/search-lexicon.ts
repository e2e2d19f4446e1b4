/**
 * Writes dist/search/lexicon.json after Pagefind: what the portal's query brain needs to
 * read a query the way the API does (see `@hansei/api/search/plan`).
 *
 * - The corpus vocabulary, read from the very text Pagefind indexed (its fragments), so
 *   a word the brain keeps is a word Pagefind finds: the portal never sends Pagefind a
 *   word that is not in its index, and Pagefind's own fallback (a misspelled word read as
 *   an unrelated short one, depending on which chunks are loaded) never fires.
 * - The taxonomy's names for things (labels, aliases, asset tags, codes).
 * - Facts about the few pages that rank differently: not approved, superseded (with
 *   their replacements), keyed by Pagefind's page id. Pages not listed are approved.
 *
 *   node scripts/search-lexicon.ts [dist]
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import type { Dimension } from '@hansei/api/dimensions';
import { lexiconData, lexiconTerm } from '@hansei/api/search/lexicon';
import { searchableWords } from '@hansei/api/search/text';
import { loadTaxonomy } from '@hansei/api/taxonomy';
import { contentDir } from '../src/lib/content-dir.ts';
import { STATUS_LABELS } from '../src/lib/dimensions.ts';
import type { PageFacts, SearchData } from '../src/lib/search-data.ts';

const SIGNATURE = 'pagefind_dcd';
const READS_AT_ONCE = 64;
// On libuv's thread pool: a batch of fragments decompresses side by side.
const gunzip = promisify(gunzipCallback);

interface Fragment {
  url: string;
  content: string;
  meta: Record<string, string>;
}

/** Pagefind's fragments by page id: one per file, or several in a group file. */
async function readFragments(dist: string): Promise<Map<string, Fragment>> {
  const folder = join(dist, 'pagefind/fragment');
  const names = (await readdir(folder)).filter((name) => name.endsWith('.pf_fragment'));
  const fragments = new Map<string, Fragment>();
  // Read a batch at a time: thousands of small files, each a disk round trip.
  for (let start = 0; start < names.length; start += READS_AT_ONCE) {
    const batch = names.slice(start, start + READS_AT_ONCE);
    const files = await Promise.all(batch.map(async (name) => gunzip(await readFile(join(folder, name)))));
    for (const [i, name] of batch.entries()) {
      const raw = files[i] as Buffer;
      const text = raw.subarray(0, SIGNATURE.length).toString() === SIGNATURE ? raw.subarray(SIGNATURE.length) : raw;
      const value = JSON.parse(text.toString('utf8')) as Fragment | Record<string, Fragment>;
      if (typeof (value as Fragment).url === 'string')
        fragments.set(name.replace(/\.pf_fragment$/, ''), value as Fragment);
      else for (const [id, fragment] of Object.entries(value as Record<string, Fragment>)) fragments.set(id, fragment);
    }
  }
  return fragments;
}

const STATUS_OF = new Map<string, string>(Object.entries(STATUS_LABELS).map(([status, label]) => [label, status]));
const docIdOf = (url: string) => /\/docs\/([^/]+)\/$/.exec(url)?.[1];

/** Builds the search data from a built site's Pagefind index and the taxonomy. */
export async function buildSearchData(dist: string): Promise<SearchData> {
  const fragments = await readFragments(dist);
  const frequency = new Map<string, number>();
  const byDocId = new Map<string, { page: string; fragment: Fragment }>();
  for (const [page, fragment] of fragments) {
    for (const word of new Set(searchableWords(fragment.content))) frequency.set(word, (frequency.get(word) ?? 0) + 1);
    const id = docIdOf(fragment.url);
    if (id) byDocId.set(id, { page, fragment });
  }
  const pages: Record<string, PageFacts> = {};
  for (const [pageId, fragment] of fragments) {
    const status = STATUS_OF.get(fragment.meta.status ?? '');
    const replacements = (fragment.meta.replaced_by ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .flatMap((id) => {
        const found = byDocId.get(id);
        return found ? [{ page: found.page, id, url: found.fragment.url, title: found.fragment.meta.title ?? id }] : [];
      });
    const facts: PageFacts = {};
    if (status && status !== 'approved') facts.status = status as PageFacts['status'];
    if (fragment.meta.superseded === 'yes') facts.superseded = true;
    if (replacements.length > 0) facts.replacements = replacements;
    if (Object.keys(facts).length > 0) pages[pageId] = facts;
  }
  const { taxonomy } = await loadTaxonomy((path) => readFile(join(contentDir, path), 'utf8').catch(() => undefined));
  const dimensions: [Dimension, Map<string, { id: string; label: string; aliases: string[]; description?: string }>][] =
    [
      ['businessUnit', taxonomy.businessUnits],
      ['process', taxonomy.processes],
      ['failureMode', taxonomy.failureModes],
      ['equipment', taxonomy.equipment],
    ];
  const terms = dimensions.flatMap(([dimension, entries]) =>
    [...entries.values()].map((entry) => lexiconTerm(dimension, entry)),
  );
  return { lexicon: lexiconData(frequency, terms, fragments.size), pages };
}

/** Writes `search/lexicon.json` into a built site; returns the line to print. */
export async function writeSearchLexicon(dist: string): Promise<string> {
  const data = await buildSearchData(dist);
  const json = JSON.stringify(data);
  await mkdir(join(dist, 'search'), { recursive: true });
  await writeFile(join(dist, 'search/lexicon.json'), json);
  const words = data.lexicon.words.reduce((sum, tier) => sum + (tier ? tier.split(' ').length : 0), 0);
  return `search lexicon: ${words} words, ${data.lexicon.terms.length} taxonomy terms, ${Object.keys(data.pages).length} pages with facts, ${(json.length / 1024).toFixed(1)} kB`;
}

if (import.meta.main) process.stdout.write(`${await writeSearchLexicon(resolve(process.argv[2] ?? 'dist'))}\n`);
