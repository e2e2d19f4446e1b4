/**
 * Everything the pages need about the corpus, computed once per build: the documents,
 * the taxonomy, and each document's derived facts — replaced by, cited by, provisional,
 * corrective actions and overdue, review state, versions. The facts are not derived here:
 * the build brings the index up to date with `hansei index` (`content-index.ts`) and reads
 * them with the functions the API's `Document` fields call (`@hansei/api/document-facts`),
 * so both front doors state every fact the same way.
 * Astro's collection stays the source of what to render (the MDX body).
 */

import { type CollectionEntry, getCollection } from 'astro:content';
import { type Catalog, loadCatalog } from '@hansei/api/catalog';
import { allDocumentFacts, type DocumentFacts } from '@hansei/api/document-facts';
import { isoToday } from '@hansei/api/review-state';
import { createWorkingTreeSource } from '@hansei/api/source';
import { openIndex, storageConfig } from '@hansei/api/storage';
import { loadTaxonomy, type Taxonomy } from '@hansei/api/taxonomy';
import { contentDir } from './content-dir.ts';
import { contentIndexed, dataDir } from './content-index.ts';
import { DIMENSIONS, type Dimension, type Term, termsOf } from './dimensions.ts';

export type DocEntry = CollectionEntry<'docs'>;

/** A document to render: its collection entry and the facts the index holds about it. */
export interface DocInfo extends Omit<DocumentFacts, 'replacedBy'> {
  entry: DocEntry;
  /** The approved documents that replace it (the API's `replacedBy`). */
  supersededBy: string[];
}

export interface Corpus {
  taxonomy: Taxonomy;
  docs: Map<string, DocInfo>;
  /** Documents per dimension and term id, descendants included. */
  byTerm: Record<Dimension, Map<string, DocInfo[]>>;
  today: string;
}

let loading: Promise<Corpus> | undefined;

/** The corpus, loaded once per build (and again in dev when content changes). */
export function loadCorpus(): Promise<Corpus> {
  loading ??= buildCorpus();
  return loading;
}

async function buildCorpus(): Promise<Corpus> {
  const today = isoToday();
  // Read like "hansei check" reads: a taxonomy file linked from outside the content folder,
  // a FIFO or a device fails the build with its code instead of being published or hanging it.
  const source = createWorkingTreeSource(contentDir);
  const [{ taxonomy }, entries] = await Promise.all([
    loadTaxonomy(async (path) => {
      const bytes = await source.read(path);
      return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
    }),
    getCollection('docs'),
    contentIndexed(),
  ]);
  const { catalog, facts } = await readIndex(today);

  const docs = new Map<string, DocInfo>();
  const unindexed: string[] = [];
  for (const entry of entries) {
    const fact = facts.get(entry.data.id);
    if (!fact) {
      unindexed.push(entry.data.id);
      continue;
    }
    const { replacedBy, ...rest } = fact;
    docs.set(entry.data.id, { ...rest, entry, supersededBy: replacedBy });
  }
  // The index leaves out what fails `hansei check`; so does the portal, as the API does.
  if (unindexed.length > 0) console.warn(`[hansei] not published (fails hansei check): ${unindexed.join(', ')}`);

  const byTerm = Object.fromEntries(
    (Object.keys(DIMENSIONS) as Dimension[]).map((dimension) => [
      dimension,
      new Map(
        [...catalog.tagged[DIMENSIONS[dimension].model]].map(([term, ids]) => [
          term,
          ids.flatMap((id) => docs.get(id) ?? []),
        ]),
      ),
    ]),
  ) as Record<Dimension, Map<string, DocInfo[]>>;
  return { taxonomy, docs, byTerm, today };
}

async function readIndex(today: string): Promise<{ catalog: Catalog; facts: Map<string, DocumentFacts> }> {
  const index = await openIndex(storageConfig(dataDir()));
  try {
    const catalog = await loadCatalog(index);
    return { catalog, facts: await allDocumentFacts(index, catalog, today) };
  } finally {
    index.close();
  }
}

/** The terms of a dimension, in taxonomy order. */
export function allTerms(corpus: Corpus, dimension: Dimension): Term[] {
  return termsOf(corpus.taxonomy, dimension);
}
