/**
 * After Pagefind has indexed the built site: the index split, the search lexicon and the
 * offline manifest, in one process. The split and the lexicon read different files and
 * run side by side; the manifest lists what both wrote. A build runs this from the
 * `search-index` integration; by hand:
 *
 *   node scripts/search-files.ts [dist]
 */
import { resolve } from 'node:path';
import { writeOfflineManifest } from './offline-manifest.ts';
import { writeSearchLexicon } from './search-lexicon.ts';
import { describeSplit, splitPagefindIndex } from './split-pagefind-index.ts';

/** Writes the search files into a site Pagefind has indexed; returns a line per file. */
export async function writeSearchFiles(dist: string): Promise<string[]> {
  const [split, lexicon] = await Promise.all([splitPagefindIndex(dist).then(describeSplit), writeSearchLexicon(dist)]);
  return [split, lexicon, await writeOfflineManifest(dist)];
}

if (import.meta.main) {
  const dist = resolve(process.argv[2] ?? new URL('../dist/', import.meta.url).pathname);
  for (const line of await writeSearchFiles(dist)) process.stdout.write(`${line}\n`);
}
