/**
 * The rows one document contributes to the index, as bound SQL statements: the document,
 * its facet terms (with taxonomy ancestors), typed links, extracted structure and its
 * full-text entry (taxonomy labels and aliases included, so plant jargon finds it).
 */
import type { InStatement } from '@libsql/client';
import type { Dimension } from '../content/dimensions.ts';
import type { ParsedDocument } from '../content/document.ts';
import { typedLinks } from '../content/links.ts';
import { extractStructure } from '../content/structure.ts';
import { selfAndAncestors, type Taxonomy } from '../content/taxonomy.ts';
import { inList, marks } from '../db/in-list.ts';
import { fieldWords, searchFields } from '../search/document-text.ts';

/** The index-only part of a stored model: what corpus checks need, without the body text. */
export type StoredModel = Omit<ParsedDocument, 'text' | 'positions'> & {
  positions: [string, { line: number; column: number }][];
};

export function toStoredModel(document: ParsedDocument): string {
  const { text: _text, positions, ...rest } = document;
  const stored: StoredModel = { ...rest, positions: [...positions] };
  return JSON.stringify(stored);
}

export function fromStoredModel(json: string, text: string): ParsedDocument {
  const stored = JSON.parse(json) as StoredModel;
  return { ...stored, positions: new Map(stored.positions), text };
}

/** Tables holding rows per document, and the column naming the document. */
export const DOCUMENT_TABLES = {
  documents: 'id',
  document_terms: 'document_id',
  links: 'source_id',
  prompts: 'document_id',
  causes: 'document_id',
  corrective_actions: 'document_id',
  documents_fts: 'document_id',
} as const;

type Table = keyof typeof DOCUMENT_TABLES;
type Row = (string | number | null)[];

const COLUMNS: Record<Table, readonly string[]> = {
  documents: [
    'id',
    'kind',
    'path',
    'digest',
    'stamp',
    'title',
    'summary',
    'status',
    'business_unit',
    'owner',
    'severity',
    'created',
    'reviewed_on',
    'reviewed_by',
    'review_every',
    'method',
    'incident_date',
    'problem_statement',
    'huddle_minutes',
    'body_text',
    'front_matter',
    'model',
    'words',
    'indexed_at',
  ],
  document_terms: ['document_id', 'dimension', 'term_id', 'direct'],
  links: ['source_id', 'target_id', 'type'],
  prompts: ['document_id', 'position', 'step', 'text', 'minutes'],
  causes: ['document_id', 'position', 'parent_position', 'container', 'text', 'category', 'type', 'evidence', 'root'],
  corrective_actions: ['document_id', 'action_id', 'owner', 'due', 'status', 'closed', 'text'],
  documents_fts: ['document_id', 'title', 'summary', 'body', 'terms', 'codes'],
};

// SQLite binds at most 32,766 parameters per statement; stay well below.
const MAX_PARAMETERS = 8000;

/** Deletes everything the index holds for these document ids (versions excepted). */
export function deleteDocuments(ids: readonly string[]): InStatement[] {
  return Object.entries(DOCUMENT_TABLES).flatMap(([table, column]) =>
    inList(`DELETE FROM ${table} WHERE ${column} IN (?)`, ids),
  );
}

interface InsertContext {
  taxonomy: Taxonomy;
  digest: string;
  stamp: string | undefined;
  /** Maps document paths (relative to the content root) to ids, for body links. */
  idOfPath: ReadonlyMap<string, string>;
  now: string;
}

/**
 * Collects rows of many documents and writes them as few multi-row INSERTs: statements,
 * not rows, are what a libsql batch pays for.
 */
export function createRowWriter() {
  const rows = Object.fromEntries(Object.keys(COLUMNS).map((table) => [table, [] as Row[]])) as Record<Table, Row[]>;
  const added: string[][] = [];
  return {
    /** Adds one document's rows. */
    add(document: ParsedDocument, context: InsertContext): void {
      const { tables, words } = documentRows(document, context);
      for (const [table, tableRows] of Object.entries(tables) as [Table, Row[]][]) rows[table].push(...tableRows);
      added.push(words);
    },
    /** The distinct searchable words of each document added. */
    words(): readonly string[][] {
      return added;
    },
    /** The INSERT statements for everything added. */
    statements(): InStatement[] {
      const statements: InStatement[] = [];
      for (const [table, tableRows] of Object.entries(rows) as [Table, Row[]][]) {
        const columns = COLUMNS[table];
        const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
        for (let start = 0; start < tableRows.length; start += perStatement) {
          const chunk = tableRows.slice(start, start + perStatement);
          const values = chunk.map(() => `(${marks(columns.length)})`).join(', ');
          // OR IGNORE: the same link or term written twice by one document is one row.
          const verb = table === 'documents_fts' ? 'INSERT' : 'INSERT OR IGNORE';
          statements.push({
            sql: `${verb} INTO ${table} (${columns.join(', ')}) VALUES ${values}`,
            args: chunk.flat(),
          });
        }
      }
      return statements;
    },
  };
}

/** The rows of one document, by table, and its distinct searchable words. */
function documentRows(
  document: ParsedDocument,
  context: InsertContext,
): { tables: Record<Table, Row[]>; words: string[] } {
  const fm = document.frontMatter;
  const terms = facetTerms(document, context.taxonomy);
  const structure = extractStructure(document);
  const fields = searchFields(document, terms.words);
  const words = fieldWords(fields);
  const tables: Record<Table, Row[]> = {
    documents: [
      [
        fm.id,
        fm.kind,
        document.path,
        context.digest,
        context.stamp ?? null,
        fm.title,
        fm.summary,
        fm.status,
        fm.business_unit,
        fm.owner,
        fm.severity ?? null,
        fm.created,
        fm.reviewed?.on ?? null,
        fm.reviewed?.by ?? null,
        fm.review_every ?? null,
        fm.kind === 'rca' ? fm.method : null,
        fm.kind === 'rca' ? fm.incident_date : null,
        fm.kind === 'rca' ? fm.problem_statement : null,
        fm.kind === 'sop' ? fm.huddle_minutes : null,
        document.text,
        JSON.stringify(fm),
        toStoredModel(document),
        JSON.stringify(words),
        context.now,
      ],
    ],
    document_terms: terms.rows.map((row) => [fm.id, ...row]),
    links: typedLinks(document, context.idOfPath).map(([target, type]) => [fm.id, target, type]),
    prompts: structure.prompts.map((p) => [fm.id, p.position, p.step ?? null, p.text, p.minutes ?? null]),
    causes: structure.causes.map((c) => [
      fm.id,
      c.position,
      c.parentPosition ?? null,
      c.container,
      c.text,
      c.category ?? null,
      c.type ?? null,
      c.evidence ?? null,
      c.root ? 1 : 0,
    ]),
    corrective_actions: structure.actions.map((a) => [fm.id, a.id, a.owner, a.due, a.status, a.closed ?? null, a.text]),
    documents_fts: [[fm.id, fields.title, fields.summary, fields.body, fields.terms, fields.codes]],
  };
  return { tables, words };
}

/** Facet rows (with ancestors of hierarchical terms) and the words they add to search. */
function facetTerms(
  document: ParsedDocument,
  taxonomy: Taxonomy,
): { rows: [Dimension, string, number][]; words: string[] } {
  const fm = document.frontMatter;
  const rows: [Dimension, string, number][] = [];
  const words: string[] = [];
  const add = (
    dimension: Dimension,
    id: string,
    direct: boolean,
    term: { label: string; aliases: string[] } | undefined,
  ) => {
    rows.push([dimension, id, direct ? 1 : 0]);
    words.push(id.replaceAll('.', ' '));
    if (term) words.push(term.label, ...term.aliases);
  };
  add('businessUnit', fm.business_unit, true, taxonomy.businessUnits.get(fm.business_unit));
  for (const [dimension, ids, terms] of [
    ['process', fm.processes, taxonomy.processes],
    ['failureMode', fm.failure_modes, taxonomy.failureModes],
  ] as const) {
    const seen = new Map<string, boolean>();
    for (const id of ids) {
      for (const ancestor of selfAndAncestors(id)) seen.set(ancestor, (seen.get(ancestor) ?? false) || ancestor === id);
    }
    for (const [id, direct] of seen) add(dimension, id, direct, terms.get(id));
  }
  for (const id of fm.equipment) add('equipment', id, true, taxonomy.equipment.get(id));
  return { rows, words };
}
