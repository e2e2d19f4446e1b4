/**
 * The API's read model of the content index: every document's metadata, facet terms,
 * links and the taxonomy, held in memory and reloaded when the index changes. Filters,
 * facet counts, full-text matching and ranking run here in microseconds; SQLite keeps
 * long text (bodies, versions). Each index generation has its own catalog, read
 * from the same snapshot as its SQL (live-index.ts).
 */
import type { Dimension } from '../../content/dimensions.ts';
import type { LinkType } from '../../content/links.ts';
import type { FrontMatter } from '../../content/schema.ts';
import type { BusinessUnit, Kpi, Person, ReviewPolicy } from '../../content/taxonomy-schema.ts';
import type { DatabaseReader } from '../../db/database.ts';
import { replacesWhenSuperseding } from '../../model/facts.ts';
import { createLexicon, type Lexicon, type LexiconTerm, lexiconData, lexiconTerm } from '../../search/lexicon.ts';
import { type FullText, fullTextBuilder } from './full-text.ts';

/** A document as the API sees it (the index row, without the body). */
export interface DocumentRecord {
  id: string;
  kind: FrontMatter['kind'];
  path: string;
  title: string;
  summary: string;
  status: FrontMatter['status'];
  businessUnit: string;
  owner: string;
  severity: string | null;
  created: string;
  indexedAt: string;
  frontMatter: FrontMatter;
  /** Terms by dimension: directly tagged, and with ancestors. */
  direct: Record<Dimension, string[]>;
  all: Record<Dimension, string[]>;
}

/** A taxonomy term row. */
export interface TermRecord {
  dimension: Dimension | 'person';
  id: string;
  label: string;
  parentId: string | null;
  aliases: string[];
  deprecated: boolean;
  replacedBy: string | null;
  data: Record<string, unknown>;
}

export interface LinkRecord {
  source: string;
  target: string;
  type: LinkType;
}

export interface Catalog {
  /** `indexed_at` of the index this catalog was read from. */
  version: string;
  documents: Map<string, DocumentRecord>;
  terms: Record<Dimension | 'person', Map<string, TermRecord>>;
  linksFrom: Map<string, LinkRecord[]>;
  linksTo: Map<string, LinkRecord[]>;
  /** The corpus's words and the taxonomy's names, as search reads them. */
  lexicon: Lexicon;
  /** Documents per term, descendants included. */
  counts: Record<Dimension, Map<string, number>>;
  /** Ids of documents per term, descendants included. */
  tagged: Record<Dimension, Map<string, string[]>>;
  /** Ids of documents that an approved document supersedes. */
  superseded: Set<string>;
  /** KPI definitions from `kpis.yaml`, by id. */
  kpis: Map<string, Kpi>;
  /** Full-text postings: what search matches and ranks by (full-text.ts). */
  fullText: FullText;
}

const EMPTY_TERMS = (): Record<Dimension, string[]> => ({
  businessUnit: [],
  process: [],
  failureMode: [],
  equipment: [],
});

/** Reads the whole read model from the index. */
export async function loadCatalog(index: DatabaseReader): Promise<Catalog> {
  const [meta, documents, terms, links, taxonomy, vocabulary] = await index.batch([
    "SELECT value FROM meta WHERE key = 'indexed_at'",
    'SELECT id, kind, path, title, summary, status, business_unit, owner, severity, created, indexed_at, front_matter FROM documents',
    'SELECT document_id, dimension, term_id, direct FROM document_terms',
    'SELECT source_id, target_id, type FROM links',
    'SELECT dimension, id, label, parent_id, aliases, deprecated, replaced_by, data FROM taxonomy_terms',
    'SELECT word, documents FROM vocabulary',
  ]);
  const lexiconTerms: LexiconTerm[] = [];
  const catalog: Catalog = {
    version: String(meta?.rows[0]?.value ?? ''),
    documents: new Map(),
    terms: {
      businessUnit: new Map(),
      process: new Map(),
      failureMode: new Map(),
      equipment: new Map(),
      person: new Map(),
    },
    linksFrom: new Map(),
    linksTo: new Map(),
    lexicon: createLexicon(lexiconData(new Map(), [], 0)),
    counts: { businessUnit: new Map(), process: new Map(), failureMode: new Map(), equipment: new Map() },
    tagged: { businessUnit: new Map(), process: new Map(), failureMode: new Map(), equipment: new Map() },
    superseded: new Set(),
    kpis: new Map(),
    fullText: fullTextBuilder().finish(),
  };
  for (const row of documents?.rows ?? []) {
    const title = String(row.title);
    catalog.documents.set(String(row.id), {
      id: String(row.id),
      kind: String(row.kind) as DocumentRecord['kind'],
      path: String(row.path),
      title,
      summary: String(row.summary),
      status: String(row.status) as DocumentRecord['status'],
      businessUnit: String(row.business_unit),
      owner: String(row.owner),
      severity: row.severity === null ? null : String(row.severity),
      created: String(row.created),
      indexedAt: String(row.indexed_at),
      frontMatter: JSON.parse(String(row.front_matter)) as FrontMatter,
      direct: EMPTY_TERMS(),
      all: EMPTY_TERMS(),
    });
  }
  for (const row of terms?.rows ?? []) {
    const document = catalog.documents.get(String(row.document_id));
    if (!document) continue;
    const dimension = String(row.dimension) as Dimension;
    const term = String(row.term_id);
    document.all[dimension].push(term);
    catalog.counts[dimension].set(term, (catalog.counts[dimension].get(term) ?? 0) + 1);
    push(catalog.tagged[dimension], term, document.id);
    if (Number(row.direct) === 1) document.direct[dimension].push(term);
  }
  for (const row of links?.rows ?? []) {
    const link: LinkRecord = {
      source: String(row.source_id),
      target: String(row.target_id),
      type: String(row.type) as LinkType,
    };
    push(catalog.linksFrom, link.source, link);
    push(catalog.linksTo, link.target, link);
  }
  for (const link of links?.rows ?? []) {
    const source = catalog.documents.get(String(link.source_id));
    if (String(link.type) === 'supersedes' && source && replacesWhenSuperseding(source.status)) {
      catalog.superseded.add(String(link.target_id));
    }
  }
  for (const row of taxonomy?.rows ?? []) {
    if (String(row.dimension) === 'kpi') {
      catalog.kpis.set(String(row.id), JSON.parse(String(row.data)) as Kpi);
      continue;
    }
    const term: TermRecord = {
      dimension: String(row.dimension) as TermRecord['dimension'],
      id: String(row.id),
      label: String(row.label),
      parentId: row.parent_id === null ? null : String(row.parent_id),
      aliases: JSON.parse(String(row.aliases)) as string[],
      deprecated: Number(row.deprecated) === 1,
      replacedBy: row.replaced_by === null ? null : String(row.replaced_by),
      data: JSON.parse(String(row.data)) as Record<string, unknown>,
    };
    catalog.terms[term.dimension].set(term.id, term);
    if (term.dimension === 'person') continue;
    const description = typeof term.data.description === 'string' ? term.data.description : undefined;
    lexiconTerms.push(lexiconTerm(term.dimension, { ...term, description }));
  }
  catalog.fullText = await readFullText(index);
  const frequency = new Map((vocabulary?.rows ?? []).map((row) => [String(row.word), Number(row.documents)]));
  catalog.lexicon = createLexicon(lexiconData(frequency, lexiconTerms, catalog.documents.size));
  return catalog;
}

/** Full-text rows read per statement: a page of text at a time, not the whole corpus's rows. */
const FULL_TEXT_PAGE = 2_000;

async function readFullText(index: DatabaseReader): Promise<FullText> {
  const builder = fullTextBuilder();
  for (let after = -1; ; ) {
    const { rows } = await index.execute({
      sql: `SELECT rowid, document_id, title, summary, body, terms, codes FROM documents_fts
            WHERE rowid > ? ORDER BY rowid LIMIT ${FULL_TEXT_PAGE}`,
      args: [after],
    });
    for (const row of rows) {
      const fields = {
        title: String(row.title),
        summary: String(row.summary),
        body: String(row.body),
        terms: String(row.terms),
        codes: String(row.codes),
      };
      builder.add({ id: String(row.document_id), fields });
    }
    if (rows.length < FULL_TEXT_PAGE) return builder.finish();
    after = Number(rows.at(-1)?.rowid);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Documents a taxonomy term covers, its descendants' included, by id. */
export function documentsUnder(catalog: Catalog, dimension: Dimension, termId: string): DocumentRecord[] {
  return (catalog.tagged[dimension].get(termId) ?? [])
    .flatMap((id) => catalog.documents.get(id) ?? [])
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** A business unit's stewards and policy, from its taxonomy row. */
export function unitOf(catalog: Catalog, id: string): BusinessUnit | undefined {
  return catalog.terms.businessUnit.get(id)?.data as BusinessUnit | undefined;
}

export function policyOf(catalog: Catalog, unitId: string): ReviewPolicy | undefined {
  return unitOf(catalog, unitId)?.review_policy;
}

export function personOf(catalog: Catalog, id: string): Person | undefined {
  return catalog.terms.person.get(id)?.data as Person | undefined;
}
