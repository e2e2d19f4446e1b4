/**
 * Everything the pages need about the corpus, computed once per build: the documents,
 * the taxonomy, links between documents, version history from git and review state.
 * Review state and history reuse the api modules, so the portal agrees with the API.
 */

import { type CollectionEntry, getCollection } from 'astro:content';
import { relative, resolve } from 'node:path';
import { findRepository, logChanges } from '@hansei/api/git';
import { type Version, versionsFromLog } from '@hansei/api/history';
import { isoToday, type ReviewState, reviewState } from '@hansei/api/review-state';
import { createWorkingTreeSource } from '@hansei/api/source';
import { loadTaxonomy, selfAndAncestors, type Taxonomy } from '@hansei/api/taxonomy';
import { contentDir } from './content-dir.ts';
import { DIMENSIONS, type Dimension, type Term, termsOf } from './dimensions.ts';

export type DocEntry = CollectionEntry<'docs'>;

export interface CorrectiveActionInfo {
  id: string;
  owner: string;
  due: string;
  status: string;
  closed: string | undefined;
  overdue: boolean;
}

export interface DocInfo {
  entry: DocEntry;
  id: string;
  review: ReviewState;
  /** Ids this document links to, from front matter and body links. */
  links: Set<string>;
  citedBy: string[];
  supersededBy: string[];
  versions: Version[];
  actions: CorrectiveActionInfo[];
  /** A lesson whose source RCA still has open actions. */
  provisional: boolean;
}

export interface Corpus {
  taxonomy: Taxonomy;
  docs: Map<string, DocInfo>;
  /** Documents per dimension and term id, descendants included. */
  byTerm: Record<Dimension, Map<string, DocInfo[]>>;
  today: string;
}

const DOC_ID = /\b(?:LL|SOP|RCA)-\d{4,}\b/;
const BODY_LINK = /\]\(([^)\s]+)\)/g;
const ACTION = /<CorrectiveAction\s([^>]*)>/g;
const ATTRIBUTE = /(\w+)="([^"]*)"/g;

let loading: Promise<Corpus> | undefined;

/** The corpus, loaded once per build. */
export function loadCorpus(): Promise<Corpus> {
  loading ??= buildCorpus();
  return loading;
}

async function buildCorpus(): Promise<Corpus> {
  const today = isoToday();
  // Read like "hansei check" reads: a taxonomy file linked from outside the content folder,
  // a FIFO or a device fails the build with its code instead of being published or hanging it.
  const source = createWorkingTreeSource(contentDir);
  const { taxonomy } = await loadTaxonomy(async (path) => {
    const bytes = await source.read(path);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  });
  const entries = await getCollection('docs');
  const history = await readHistory(entries);
  const docs = new Map<string, DocInfo>();
  for (const entry of entries) {
    const data = entry.data;
    const links = new Set<string>([...data.related, ...data.supersedes]);
    if (data.kind === 'lesson') {
      if (data.source_rca) links.add(data.source_rca);
      for (const id of data.applied_in) links.add(id);
    }
    if (data.kind === 'rca') for (const id of data.lessons) links.add(id);
    for (const match of (entry.body ?? '').matchAll(BODY_LINK)) {
      const id = DOC_ID.exec(match[1] ?? '')?.[0];
      if (id && id !== data.id) links.add(id);
    }
    docs.set(data.id, {
      entry,
      id: data.id,
      review: reviewState(data, taxonomy.businessUnits.get(data.business_unit)?.review_policy, today),
      links,
      citedBy: [],
      supersededBy: [],
      versions: history.get(data.id) ?? [],
      actions: actionsOf(entry.body ?? '', today),
      provisional: false,
    });
  }
  for (const doc of docs.values()) {
    for (const id of doc.links) docs.get(id)?.citedBy.push(doc.id);
    // Only approved knowledge replaces anything (a draft that supersedes replaces nothing yet).
    if (doc.entry.data.status === 'approved')
      for (const id of doc.entry.data.supersedes) docs.get(id)?.supersededBy.push(doc.id);
  }
  for (const doc of docs.values()) {
    const data = doc.entry.data;
    if (data.kind !== 'lesson' || !data.source_rca) continue;
    doc.provisional = (docs.get(data.source_rca)?.actions ?? []).some((action) => isOpen(action.status));
  }
  const byTerm = Object.fromEntries(
    (Object.keys(DIMENSIONS) as Dimension[]).map((dimension) => [dimension, new Map<string, DocInfo[]>()]),
  ) as Record<Dimension, Map<string, DocInfo[]>>;
  for (const doc of docs.values()) {
    for (const dimension of Object.keys(DIMENSIONS) as Dimension[]) {
      const ids = new Set(termIds(doc.entry, dimension).flatMap((id) => expand(dimension, id)));
      for (const id of ids) {
        const list = byTerm[dimension].get(id) ?? [];
        list.push(doc);
        byTerm[dimension].set(id, list);
      }
    }
  }
  return { taxonomy, docs, byTerm, today };
}

/** The term ids a document is tagged with in one dimension. */
export function termIds(entry: DocEntry, dimension: Dimension): string[] {
  const value = entry.data[DIMENSIONS[dimension].field];
  return Array.isArray(value) ? value : [value];
}

/** Hierarchical dimensions count a document under every ancestor too. */
function expand(dimension: Dimension, id: string): string[] {
  return DIMENSIONS[dimension].hierarchical ? selfAndAncestors(id) : [id];
}

/** The terms of a dimension, in taxonomy order. */
export function allTerms(corpus: Corpus, dimension: Dimension): Term[] {
  return termsOf(corpus.taxonomy, dimension);
}

export function isOpen(status: string): boolean {
  return status === 'open' || status === 'in-progress';
}

function actionsOf(body: string, today: string): CorrectiveActionInfo[] {
  const actions: CorrectiveActionInfo[] = [];
  for (const match of body.matchAll(ACTION)) {
    const attributes = Object.fromEntries([...(match[1] ?? '').matchAll(ATTRIBUTE)].map((m) => [m[1], m[2]]));
    const status = attributes.status ?? 'open';
    const due = attributes.due ?? '';
    actions.push({
      id: attributes.id ?? '',
      owner: attributes.owner ?? '',
      due,
      status,
      closed: attributes.closed,
      overdue: isOpen(status) && due !== '' && due < today,
    });
  }
  return actions;
}

/** Versions per document id from one bulk `git log`, as the indexer reads them. */
async function readHistory(entries: DocEntry[]): Promise<Map<string, Version[]>> {
  const byId = new Map<string, Version[]>();
  const repo = await findRepository(contentDir).catch(() => undefined);
  if (!repo) return byId;
  const prefix = relative(repo, contentDir).split('\\').join('/');
  const current = new Map(
    entries
      .filter((entry) => entry.filePath)
      .map((entry) => [
        relative(repo, resolve(entry.filePath ?? ''))
          .split('\\')
          .join('/'),
        entry.data.id,
      ]),
  );
  let commits: Awaited<ReturnType<typeof logChanges>> = [];
  try {
    commits = await logChanges(repo, 'HEAD', prefix);
  } catch {
    return byId; // no commits yet
  }
  for (const version of versionsFromLog(commits, current)) {
    const list = byId.get(version.documentId) ?? [];
    list.push(version);
    byId.set(version.documentId, list);
  }
  return byId;
}
