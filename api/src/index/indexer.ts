/**
 * git → index. Reads content through a source, reuses what has not changed (by git blob
 * id, or size and modification time on a working tree), checks everything with the same
 * rules as `hansei check`, and publishes the result in ONE write batch: readers see the
 * old index or the new one, never half of it, and a run killed at any point leaves the
 * last good index intact. A document that fails the check is not indexed; if an earlier
 * version of it was, that version stays live.
 */
import { relative, sep } from 'node:path';
import type { Client, InStatement } from '@libsql/client';
import { checkCorpus, type KnownDocument } from '../content/check.ts';
import { type Diagnostic, summarize } from '../content/diagnostics.ts';
import type { ParsedDocument, ParseResult } from '../content/document.ts';
import { collectDiagnostics, type LoadedFile, type ReadContent, readContent } from '../content/load-content.ts';
import type { DocumentParser } from '../content/parse-pool.ts';
import { type ContentSource, createGitSource, createWorkingTreeSource } from '../content/source.ts';
import type { Taxonomy } from '../content/taxonomy.ts';
import { findRepository, headCommit, isAncestor, logChanges, resolveCommit } from '../git/git.ts';
import { type Version, versionsFromLog } from '../git/history.ts';
import { createRowWriter, DOCUMENT_TABLES, deleteDocuments, fromStoredModel } from './document-rows.ts';
import { taxonomyStatements } from './taxonomy-rows.ts';
import { countWords, storedWords, vocabularyStatements } from './vocabulary-rows.ts';

export interface IndexOptions {
  /** The content folder (the one holding `taxonomy/`), absolute. */
  contentDir: string;
  /** Index git at this ref instead of the working tree. */
  ref?: string;
  /** Ignore what the index holds and rebuild everything. */
  full?: boolean;
  index: Client;
  parser: DocumentParser;
  onProgress?: (done: number, total: number) => void;
  /** Phase messages for a human watching ("writing index …"). */
  log?: (line: string) => void;
  now?: () => Date;
}

export interface IndexReport {
  diagnostics: Diagnostic[];
  /** Documents in the index after the run. */
  documents: number;
  /** Documents written (new or changed). */
  written: number;
  /** Documents removed (deleted files). */
  removed: number;
  /** Document files that failed the check and were not indexed. */
  rejected: string[];
  /** Commit the content came from, when in git. */
  commit: string | undefined;
  /** True when nothing changed and nothing was written. */
  unchanged: boolean;
}

interface StoredRow {
  id: string;
  path: string;
  digest: string;
  stamp: string | null;
}

/** Runs one index pass. Throws only for infrastructure failures (git, database). */
export async function runIndex(options: IndexOptions): Promise<IndexReport> {
  const { contentDir, index, parser, full = false } = options;
  const log = options.log ?? (() => {});
  const now = (options.now ?? (() => new Date()))().toISOString();

  const repo = await findRepository(contentDir);
  const prefix = repo ? relative(repo, contentDir).split(sep).join('/') : '';
  let commit: string | undefined;
  let source: ContentSource;
  if (options.ref !== undefined) {
    if (!repo) throw new Error(`--ref needs a git repository, and ${contentDir} is not in one`);
    commit = await resolveCommit(repo, options.ref);
    source = createGitSource(repo, commit, prefix);
  } else {
    commit = repo ? await headCommit(repo) : undefined;
    source = createWorkingTreeSource(contentDir);
  }

  const meta = await readMeta(index);
  const stored = full ? new Map<string, StoredRow>() : await readStoredRows(index);
  const isUnchanged = (path: string, marker: { digest?: string; stamp?: string }): boolean => {
    const row = stored.get(path);
    return (
      row !== undefined &&
      ((marker.digest !== undefined && marker.digest === row.digest) ||
        (marker.stamp !== undefined && marker.stamp === row.stamp))
    );
  };

  let read: ReadContent;
  try {
    read = await readContent({ source, parser, isUnchanged, onProgress: options.onProgress });
  } finally {
    source.close?.();
  }
  const taxonomyChanged = full || meta.get('taxonomy_digest') !== read.taxonomyDigest;

  // Which unchanged documents a change can affect: with a new taxonomy, all of them;
  // otherwise those linking to a document that was edited, moved or deleted.
  const unchangedFiles = read.files.filter((file) => file.result === undefined);
  const parsedFiles = read.files.filter((file) => file.result !== undefined);
  const present = new Set(read.files.map((file) => file.path));
  const touched = new Set<string>();
  for (const row of stored.values()) if (!present.has(row.path)) touched.add(row.id);
  for (const file of parsedFiles) {
    const before = stored.get(file.path);
    if (before) touched.add(before.id);
    if (file.result?.declaredId) touched.add(file.result.declaredId);
  }
  const unchangedIds = unchangedFiles.map((file) => (stored.get(file.path) as StoredRow).id);
  const affected = taxonomyChanged ? new Set(unchangedIds) : await linkingTo(index, touched);
  const models = await readModels(
    index,
    unchangedIds.filter((id) => affected.has(id)),
  );
  const supersedes = await readSupersedes(index);

  const checked: LoadedFile[] = [...parsedFiles];
  const known: KnownDocument[] = [];
  for (const file of unchangedFiles) {
    const row = stored.get(file.path) as StoredRow;
    const document = models.get(row.id);
    if (document) {
      checked.push({
        ...file,
        digest: file.digest ?? row.digest,
        result: { path: file.path, declaredId: row.id, document, diagnostics: [] },
      });
    } else {
      known.push({ id: row.id, path: row.path, supersedes: supersedes.get(row.id) ?? [] });
    }
  }
  const results = checked.map((file) => file.result as ParseResult);
  const diagnostics = collectDiagnostics(
    read.taxonomyDiagnostics,
    results,
    checkCorpus({ results, known, taxonomy: read.taxonomy, allPaths: read.allPaths }),
  );
  const rejectedPaths = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  const accepted = checked.filter((file) => file.result?.document && !rejectedPaths.has(file.path));
  const rejected = read.files
    .filter((file) => rejectedPaths.has(file.path) || (file.result && !file.result.document))
    .map((file) => file.path);
  log(`checked ${checked.length} of ${read.files.length} documents: ${summarize(diagnostics, checked.length)}`);

  // What the index will hold: accepted and known documents, plus the last good version
  // of rejected ones.
  const next = new Map<string, string>(); // id → path
  for (const document of known) next.set(document.id, document.path);
  for (const file of accepted) next.set(idOf(file), file.path);
  for (const path of rejected) {
    const row = stored.get(path);
    if (row && !next.has(row.id)) next.set(row.id, row.path);
  }
  const toWrite = accepted.filter((file) => taxonomyChanged || parsedFiles.includes(file));
  const storedIds = new Set([...stored.values()].map((row) => row.id));
  const removed = [...storedIds].filter((id) => !next.has(id));
  const newIds = new Set(toWrite.map(idOf).filter((id) => !storedIds.has(id)));
  // Touched but unchanged files: remember their new stamp so the next run skips them unread.
  const restamped = unchangedFiles.filter(
    (file) => file.stamp !== undefined && file.stamp !== stored.get(file.path)?.stamp,
  );

  const history =
    repo && commit ? await versionHistory(repo, prefix, commit, meta.get('commit'), next, newIds, full) : undefined;
  const commitChanged = (commit ?? '') !== (meta.get('commit') ?? '');
  const unchanged =
    !full &&
    toWrite.length === 0 &&
    removed.length === 0 &&
    restamped.length === 0 &&
    !taxonomyChanged &&
    !commitChanged;

  if (unchanged) {
    log('index is up to date');
  } else {
    // What the vocabulary loses: the words of every document this run replaces or removes.
    const replacedWords = full ? [] : await storedWords(index, [...removed, ...toWrite.map(idOf)]);
    const statements = buildBatch({
      replacedWords,
      full,
      taxonomy: read.taxonomy,
      taxonomyDigest: read.taxonomyDigest,
      toWrite,
      removed,
      restamped,
      taxonomyChanged,
      history,
      commit,
      now,
      next,
    });
    log(
      `writing index: ${toWrite.length} documents written, ${removed.length} removed (${statements.length} statements)`,
    );
    await index.batch(statements, 'write');
  }
  return {
    diagnostics,
    documents: next.size,
    written: unchanged ? 0 : toWrite.length,
    removed: unchanged ? 0 : removed.length,
    rejected,
    commit,
    unchanged,
  };
}

interface BatchInput {
  full: boolean;
  replacedWords: readonly string[][];
  taxonomy: Taxonomy;
  taxonomyDigest: string;
  toWrite: LoadedFile[];
  removed: string[];
  restamped: LoadedFile[];
  taxonomyChanged: boolean;
  history: { versions: Version[]; replaceAll: boolean } | undefined;
  commit: string | undefined;
  now: string;
  /** Document id → path of everything the index will hold. */
  next: ReadonlyMap<string, string>;
}

function buildBatch({
  full,
  replacedWords,
  taxonomy,
  taxonomyDigest,
  toWrite,
  removed,
  restamped,
  taxonomyChanged,
  history,
  commit,
  now,
  next,
}: BatchInput): InStatement[] {
  const statements: InStatement[] = [];
  if (full) {
    for (const table of [...Object.keys(DOCUMENT_TABLES), 'versions'])
      statements.push({ sql: `DELETE FROM ${table}`, args: [] });
  } else {
    statements.push(...deleteDocuments([...removed, ...toWrite.map((file) => idOf(file))]));
    for (const id of removed) statements.push({ sql: 'DELETE FROM versions WHERE document_id = ?', args: [id] });
  }
  for (const file of restamped)
    statements.push({ sql: 'UPDATE documents SET stamp = ? WHERE path = ?', args: [file.stamp ?? null, file.path] });
  const idOfPath = new Map([...next].map(([id, path]) => [path, id]));
  const writer = createRowWriter();
  for (const file of toWrite) {
    writer.add(documentOf(file), {
      taxonomy,
      digest: file.digest ?? '',
      stamp: file.stamp,
      idOfPath,
      now,
    });
  }
  statements.push(...writer.statements());
  const vocabulary = new Map<string, number>();
  countWords(vocabulary, replacedWords, -1);
  countWords(vocabulary, writer.words(), 1);
  statements.push(...vocabularyStatements(vocabulary, full));
  if (taxonomyChanged) statements.push(...taxonomyStatements(taxonomy));
  if (history) {
    if (history.replaceAll && !full) statements.push({ sql: 'DELETE FROM versions', args: [] });
    for (const v of history.versions) {
      statements.push({
        sql: 'INSERT OR IGNORE INTO versions (document_id, sha, path, change, author_name, author_email, date, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        args: [v.documentId, v.sha, v.path, v.change, v.authorName, v.authorEmail, v.date, v.message],
      });
    }
  }
  const setMeta = (key: string, value: string) =>
    statements.push({
      sql: 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      args: [key, value],
    });
  setMeta('taxonomy_digest', taxonomyDigest);
  setMeta('commit', commit ?? '');
  setMeta('indexed_at', now);
  return statements;
}

/**
 * Versions from git: only the new commits when the last indexed commit is an ancestor and
 * every newly indexed document was touched by them; otherwise the whole history.
 */
async function versionHistory(
  repo: string,
  prefix: string,
  commit: string,
  lastCommit: string | undefined,
  next: ReadonlyMap<string, string>,
  newIds: ReadonlySet<string>,
  full: boolean,
): Promise<{ versions: Version[]; replaceAll: boolean }> {
  const base = prefix ? `${prefix}/` : '';
  const current = new Map([...next].map(([id, path]) => [`${base}${path}`, id]));
  if (!full && lastCommit && (lastCommit === commit || (await isAncestor(repo, lastCommit, commit)))) {
    const versions =
      lastCommit === commit ? [] : versionsFromLog(await logChanges(repo, `${lastCommit}..${commit}`, prefix), current);
    const touched = new Set(versions.map((version) => version.documentId));
    if ([...newIds].every((id) => touched.has(id))) return { versions, replaceAll: false };
  }
  return { versions: versionsFromLog(await logChanges(repo, commit, prefix), current), replaceAll: true };
}

/** The parsed document of an accepted file (accepted files always have one). */
function documentOf(file: LoadedFile): ParsedDocument {
  const document = file.result?.document;
  if (!document) throw new Error(`internal error: ${file.path} was accepted without a parsed document`);
  return document;
}

function idOf(file: LoadedFile): string {
  return documentOf(file).frontMatter.id;
}

async function readMeta(index: Client): Promise<Map<string, string>> {
  const rows = (await index.execute('SELECT key, value FROM meta')).rows;
  return new Map(rows.map((row) => [String(row.key), String(row.value)]));
}

async function readStoredRows(index: Client): Promise<Map<string, StoredRow>> {
  const rows = (await index.execute('SELECT id, path, digest, stamp FROM documents')).rows;
  return new Map(
    rows.map((row) => [
      String(row.path),
      {
        id: String(row.id),
        path: String(row.path),
        digest: String(row.digest),
        stamp: row.stamp === null ? null : String(row.stamp),
      },
    ]),
  );
}

/** Ids of documents with a link of any type to one of `targets`. */
async function linkingTo(index: Client, targets: ReadonlySet<string>): Promise<Set<string>> {
  const sources = new Set<string>();
  const ids = [...targets];
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const rows = (
      await index.execute({
        sql: `SELECT DISTINCT source_id FROM links WHERE target_id IN (${chunk.map(() => '?').join(', ')})`,
        args: chunk,
      })
    ).rows;
    for (const row of rows) sources.add(String(row.source_id));
  }
  return sources;
}

/** Stored models of the given documents, to check them again. */
async function readModels(index: Client, ids: readonly string[]): Promise<Map<string, ParsedDocument>> {
  const models = new Map<string, ParsedDocument>();
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const rows = (
      await index.execute({
        sql: `SELECT id, model, body_text FROM documents WHERE id IN (${chunk.map(() => '?').join(', ')})`,
        args: chunk,
      })
    ).rows;
    for (const row of rows) models.set(String(row.id), fromStoredModel(String(row.model), String(row.body_text)));
  }
  return models;
}

/** Supersedes edges of the whole index, for cycle detection across unchanged documents. */
async function readSupersedes(index: Client): Promise<Map<string, string[]>> {
  const edges = new Map<string, string[]>();
  for (const row of (await index.execute("SELECT source_id, target_id FROM links WHERE type = 'supersedes'")).rows) {
    const list = edges.get(String(row.source_id)) ?? [];
    list.push(String(row.target_id));
    edges.set(String(row.source_id), list);
  }
  return edges;
}
