/**
 * Schema of the content index. The index is disposable — rebuildable from git at any
 * commit — so a migration may drop and rebuild derived tables. Numbered, append-only.
 */
import type { Migration } from '../db/database.ts';

export const INDEX_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents, terms, links, versions, structure, full-text search',
    statements: [
      'CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
      `CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        path TEXT NOT NULL UNIQUE,
        digest TEXT NOT NULL,
        stamp TEXT,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        status TEXT NOT NULL,
        business_unit TEXT NOT NULL,
        owner TEXT NOT NULL,
        severity TEXT,
        created TEXT NOT NULL,
        reviewed_on TEXT,
        reviewed_by TEXT,
        review_every TEXT,
        method TEXT,
        incident_date TEXT,
        problem_statement TEXT,
        huddle_minutes INTEGER,
        body_text TEXT NOT NULL,
        front_matter TEXT NOT NULL,
        model TEXT NOT NULL,
        indexed_at TEXT NOT NULL
      )`,
      'CREATE INDEX documents_kind_status ON documents (kind, status)',
      'CREATE INDEX documents_unit ON documents (business_unit)',
      `CREATE TABLE document_terms (
        document_id TEXT NOT NULL,
        dimension TEXT NOT NULL,
        term_id TEXT NOT NULL,
        direct INTEGER NOT NULL,
        PRIMARY KEY (document_id, dimension, term_id)
      ) WITHOUT ROWID`,
      'CREATE INDEX document_terms_term ON document_terms (dimension, term_id)',
      `CREATE TABLE links (
        source_id TEXT NOT NULL,
        target_id TEXT NOT NULL,
        type TEXT NOT NULL,
        PRIMARY KEY (source_id, type, target_id)
      ) WITHOUT ROWID`,
      'CREATE INDEX links_target ON links (target_id, type)',
      `CREATE TABLE versions (
        document_id TEXT NOT NULL,
        sha TEXT NOT NULL,
        path TEXT NOT NULL,
        change TEXT NOT NULL,
        author_name TEXT NOT NULL,
        author_email TEXT NOT NULL,
        date TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (document_id, sha)
      ) WITHOUT ROWID`,
      'CREATE INDEX versions_date ON versions (document_id, date DESC)',
      `CREATE TABLE prompts (
        document_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        step TEXT,
        text TEXT NOT NULL,
        minutes INTEGER,
        PRIMARY KEY (document_id, position)
      )`,
      `CREATE TABLE causes (
        document_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        parent_position INTEGER,
        container TEXT NOT NULL,
        text TEXT NOT NULL,
        category TEXT,
        type TEXT,
        evidence TEXT,
        root INTEGER NOT NULL,
        PRIMARY KEY (document_id, position)
      )`,
      `CREATE TABLE corrective_actions (
        document_id TEXT NOT NULL,
        action_id TEXT NOT NULL,
        owner TEXT NOT NULL,
        due TEXT NOT NULL,
        status TEXT NOT NULL,
        closed TEXT,
        text TEXT NOT NULL,
        PRIMARY KEY (document_id, action_id)
      )`,
      'CREATE INDEX corrective_actions_status ON corrective_actions (status, due)',
      `CREATE TABLE taxonomy_terms (
        dimension TEXT NOT NULL,
        id TEXT NOT NULL,
        label TEXT NOT NULL,
        parent_id TEXT,
        aliases TEXT NOT NULL,
        deprecated INTEGER NOT NULL,
        replaced_by TEXT,
        data TEXT NOT NULL,
        PRIMARY KEY (dimension, id)
      )`,
      // bm25 weights are given at query time; column order: id, title, summary, body, terms.
      `CREATE VIRTUAL TABLE documents_fts USING fts5(
        document_id UNINDEXED, title, summary, body, terms,
        tokenize = 'porter unicode61 remove_diacritics 2'
      )`,
    ],
  },
  {
    version: 2,
    name: 'corpus vocabulary for search; problem statements and joined codes in the full text',
    statements: [
      "ALTER TABLE documents ADD COLUMN words TEXT NOT NULL DEFAULT '[]'",
      'CREATE TABLE vocabulary (word TEXT PRIMARY KEY, documents INTEGER NOT NULL) WITHOUT ROWID',
      // Codes joined ("e104") get a column of their own, so highlights show the text as written.
      'DROP TABLE documents_fts',
      `CREATE VIRTUAL TABLE documents_fts USING fts5(
        document_id UNINDEXED, title, summary, body, terms, codes,
        tokenize = 'porter unicode61 remove_diacritics 2'
      )`,
      // Full-text rows now hold more: the next index run rewrites every document.
      "DELETE FROM meta WHERE key = 'taxonomy_digest'",
    ],
  },
];

/**
 * bm25 column weights for `documents_fts`: title ≫ taxonomy labels/aliases and codes >
 * summary > body. In column order (the document id is not indexed).
 */
export const FTS_WEIGHTS = { documentId: 0, title: 10, summary: 4, body: 1, terms: 6, codes: 6 } as const;
