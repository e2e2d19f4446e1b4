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
import { inList } from '../db/in-list.ts';
import { findRepository, headCommit, isAncestor, logChanges, resolveCommit } from '../git/git.ts';
import { type Version, versionsFromLog } from '../git/history.ts';
import { createRowWriter, DOCUMENT_TABLES, deleteDocuments, fromStoredModel } from './document-rows.ts';
import { taxonomyStatements } from './taxonomy-rows.ts';
import { countWords, storedWords, vocabularyStatements } from './vocabulary-rows.ts';

/** What an index run reads: the content, and where it sits in git (for versions). */
export interface IndexSource {
  content: ContentSource;
  /** The repository, the content folder inside it and the commit read; undefined outside git or before the first commit. */
  git?: { repo: string; prefix: string; commit: string };
}

/**
 * The content at `ref` in git, or the working tree of `contentDir` (with HEAD as the
 * commit when it is in a repository). Throws when `ref` is given outside git or does not
 * resolve.
 */
export async function openIndexSource(contentDir: string, ref?: string): Promise<IndexSource> {
  const repo = await findRepository(contentDir);
  const prefix = repo ? relative(repo, contentDir).split(sep).join('/') : '';
  if (ref !== undefined) {
    if (!repo) throw new Error(`--ref needs a git repository, and ${contentDir} is not in one`);
    const commit = await resolveCommit(repo, ref);
    return { content: createGitSource(repo, commit, prefix), git: { repo, prefix, commit } };
  }
  const commit = repo ? await headCommit(repo) : undefined;
  return { content: createWorkingTreeSource(contentDir), ...(repo && commit ? { git: { repo, prefix, commit } } : {}) };
}

export interface IndexOptions {
  /** What to index; the run closes its content source once read. */
  source: IndexSource;
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

/**
 * Runs one index pass: read → check → plan → write. Throws only for infrastructure
 * failures (the content source, git, the database), and then writes nothing.
 */
export async function runIndex(options: IndexOptions): Promise<IndexReport> {
  const { index, full = false } = options;
  const log = options.log ?? (() => {});
  const now = (options.now ?? (() => new Date()))().toISOString();
  const commit = options.source.git?.commit;

  const read = await readPhase(options);
  const checked = await checkPhase(index, read);
  log(
    `checked ${checked.checked.length} of ${read.content.files.length} documents: ${summarize(checked.diagnostics, checked.checked.length)}`,
  );
  const plan = await planPhase(options, read, checked);
  const unchanged =
    !full &&
    plan.toWrite.length === 0 &&
    plan.removed.length === 0 &&
    plan.restamped.length === 0 &&
    !read.taxonomyChanged &&
    (commit ?? '') === (read.meta.get('commit') ?? '');

  if (unchanged) {
    log('index is up to date');
  } else {
    // What the vocabulary loses: the words of every document this run replaces or removes.
    const replacedWords = full ? [] : await storedWords(index, [...plan.removed, ...plan.toWrite.map(idOf)]);
    const statements = buildBatch({
      ...plan,
      replacedWords,
      full,
      taxonomy: read.content.taxonomy,
      taxonomyDigest: read.content.taxonomyDigest,
      taxonomyChanged: read.taxonomyChanged,
      commit,
      now,
    });
    log(
      `writing index: ${plan.toWrite.length} documents written, ${plan.removed.length} removed (${statements.length} statements)`,
    );
    await index.batch(statements, 'write');
  }
  return {
    diagnostics: checked.diagnostics,
    documents: plan.next.size,
    written: unchanged ? 0 : plan.toWrite.length,
    removed: unchanged ? 0 : plan.removed.length,
    rejected: checked.rejected,
    commit,
    unchanged,
  };
}

interface ReadResult {
  meta: Map<string, string>;
  /** What the index holds, by path (empty for a full rebuild). */
  stored: Map<string, StoredRow>;
  content: ReadContent;
  taxonomyChanged: boolean;
}

/** Reads the content, parsing only files that differ from what the index holds. */
async function readPhase({ source, index, parser, full = false, onProgress }: IndexOptions): Promise<ReadResult> {
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
  let content: ReadContent;
  try {
    content = await readContent({ source: source.content, parser, isUnchanged, onProgress });
  } finally {
    source.content.close?.();
  }
  return { meta, stored, content, taxonomyChanged: full || meta.get('taxonomy_digest') !== content.taxonomyDigest };
}

interface CheckResult {
  /** Files read unchanged from the index. */
  unchangedFiles: LoadedFile[];
  /** Files parsed in this run. */
  parsedFiles: LoadedFile[];
  /** Files checked in this run: the parsed ones and the unchanged ones a change can affect. */
  checked: LoadedFile[];
  /** Unchanged documents not checked again, known to the check by id and links only. */
  known: KnownDocument[];
  diagnostics: Diagnostic[];
  accepted: LoadedFile[];
  /** Paths of document files that failed the check. */
  rejected: string[];
}

/**
 * Checks with the rules of `hansei check`: every parsed file, and the unchanged documents
 * a change can affect — with a new taxonomy all of them, otherwise those linking to a
 * document that was edited, moved or deleted.
 */
async function checkPhase(index: Client, { stored, content, taxonomyChanged }: ReadResult): Promise<CheckResult> {
  const unchangedFiles = content.files.filter((file) => file.result === undefined);
  const parsedFiles = content.files.filter((file) => file.result !== undefined);
  const present = new Set(content.files.map((file) => file.path));
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
    content.taxonomyDiagnostics,
    results,
    checkCorpus({ results, known, taxonomy: content.taxonomy, allPaths: content.allPaths }),
  );
  const rejectedPaths = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  return {
    unchangedFiles,
    parsedFiles,
    checked,
    known,
    diagnostics,
    accepted: checked.filter((file) => file.result?.document && !rejectedPaths.has(file.path)),
    rejected: content.files
      .filter((file) => rejectedPaths.has(file.path) || (file.result && !file.result.document))
      .map((file) => file.path),
  };
}

interface Plan {
  /** Document id → path of everything the index will hold. */
  next: Map<string, string>;
  toWrite: LoadedFile[];
  removed: string[];
  /** Touched but unchanged files: their new stamp, so the next run skips them unread. */
  restamped: LoadedFile[];
  history: { versions: Version[]; replaceAll: boolean } | undefined;
}

/**
 * What the index will hold: accepted and known documents, plus the last good version of
 * rejected ones; what to write, remove and restamp; and the versions git adds.
 */
async function planPhase(
  { source, full = false }: IndexOptions,
  { stored, meta, taxonomyChanged }: ReadResult,
  { known, accepted, rejected, parsedFiles, unchangedFiles }: CheckResult,
): Promise<Plan> {
  const next = new Map<string, string>();
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
  const restamped = unchangedFiles.filter(
    (file) => file.stamp !== undefined && file.stamp !== stored.get(file.path)?.stamp,
  );
  const history = source.git ? await versionHistory(source.git, meta.get('commit'), next, newIds, full) : undefined;
  return { next, toWrite, removed, restamped, history };
}

interface BatchInput extends Plan {
  full: boolean;
  replacedWords: readonly string[][];
  taxonomy: Taxonomy;
  taxonomyDigest: string;
  taxonomyChanged: boolean;
  commit: string | undefined;
  now: string;
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
  { repo, prefix, commit }: { repo: string; prefix: string; commit: string },
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
  for (const statement of inList('SELECT DISTINCT source_id FROM links WHERE target_id IN (?)', [...targets])) {
    for (const row of (await index.execute(statement)).rows) sources.add(String(row.source_id));
  }
  return sources;
}

/** Stored models of the given documents, to check them again. */
async function readModels(index: Client, ids: readonly string[]): Promise<Map<string, ParsedDocument>> {
  const models = new Map<string, ParsedDocument>();
  for (const statement of inList('SELECT id, model, body_text FROM documents WHERE id IN (?)', ids)) {
    for (const row of (await index.execute(statement)).rows) {
      models.set(String(row.id), fromStoredModel(String(row.model), String(row.body_text)));
    }
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
