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
import { type Diagnostic, summarize } from '../content/diagnostics.ts';
import type { ParsedDocument } from '../content/document.ts';
import { type LoadedFile, loadContent } from '../content/load-content.ts';
import type { DocumentParser } from '../content/parse-pool.ts';
import { type ContentSource, createGitSource, createWorkingTreeSource } from '../content/source.ts';
import { findRepository, headCommit, isAncestor, logChanges, resolveCommit } from '../git/git.ts';
import { createRowWriter, DOCUMENT_TABLES, deleteDocuments, fromStoredModel } from './document-rows.ts';
import { type Version, versionsFromLog } from './history.ts';
import { taxonomyStatements } from './taxonomy-rows.ts';

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
  model: string;
  body_text: string;
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
  const reuse = (path: string, marker: { digest?: string; stamp?: string }): ParsedDocument | undefined => {
    const row = stored.get(path);
    if (!row) return undefined;
    const same =
      (marker.digest !== undefined && marker.digest === row.digest) ||
      (marker.stamp !== undefined && marker.stamp === row.stamp);
    return same ? fromStoredModel(row.model, row.body_text) : undefined;
  };

  let content: Awaited<ReturnType<typeof loadContent>>;
  try {
    content = await loadContent({ source, parser, reuse, onProgress: options.onProgress });
  } finally {
    source.close?.();
  }
  const rejectedPaths = new Set(content.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  const accepted = content.files.filter((file) => file.result.document && !rejectedPaths.has(file.path));
  const rejected = content.files.filter((file) => !accepted.includes(file)).map((file) => file.path);
  log(`checked ${content.files.length} documents: ${summarize(content.diagnostics, content.files.length)}`);

  // What the index will hold: accepted documents, plus the last good version of rejected ones.
  const storedById = new Map([...stored.values()].map((row) => [row.id, row]));
  const next = new Map<string, LoadedFile>();
  for (const file of accepted) next.set(idOf(file), file);
  const kept = new Set<string>();
  for (const path of rejected) {
    const row = stored.get(path);
    if (row && !next.has(row.id)) kept.add(row.id);
  }
  const taxonomyChanged = full || meta.get('taxonomy_digest') !== content.taxonomyDigest;
  const toWrite = [...next.values()].filter((file) => {
    if (taxonomyChanged || !file.reused) return true;
    const row = storedById.get(idOf(file));
    return !row || row.path !== file.path || (file.stamp !== undefined && row.stamp !== file.stamp);
  });
  const removed = [...storedById.keys()].filter((id) => !next.has(id) && !kept.has(id));
  const newIds = new Set(toWrite.map((file) => idOf(file)).filter((id) => !storedById.has(id)));

  const history =
    repo && commit ? await versionHistory(repo, prefix, commit, meta.get('commit'), next, newIds, full) : undefined;
  const commitChanged = (commit ?? '') !== (meta.get('commit') ?? '');
  const unchanged = !full && toWrite.length === 0 && removed.length === 0 && !taxonomyChanged && !commitChanged;

  if (unchanged) {
    log('index is up to date');
  } else {
    const statements = buildBatch({ full, content, toWrite, removed, taxonomyChanged, history, commit, now, next });
    log(
      `writing index: ${toWrite.length} documents written, ${removed.length} removed (${statements.length} statements)`,
    );
    await index.batch(statements, 'write');
  }
  return {
    diagnostics: content.diagnostics,
    documents: next.size + kept.size,
    written: unchanged ? 0 : toWrite.length,
    removed: unchanged ? 0 : removed.length,
    rejected,
    commit,
    unchanged,
  };
}

interface BatchInput {
  full: boolean;
  content: Awaited<ReturnType<typeof loadContent>>;
  toWrite: LoadedFile[];
  removed: string[];
  taxonomyChanged: boolean;
  history: { versions: Version[]; replaceAll: boolean } | undefined;
  commit: string | undefined;
  now: string;
  next: ReadonlyMap<string, LoadedFile>;
}

function buildBatch({
  full,
  content,
  toWrite,
  removed,
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
  const idOfPath = new Map([...next.values()].map((file) => [file.path, idOf(file)]));
  const writer = createRowWriter();
  for (const file of toWrite) {
    writer.add(file.result.document as ParsedDocument, {
      taxonomy: content.taxonomy,
      digest: file.digest ?? '',
      stamp: file.stamp,
      idOfPath,
      now,
    });
  }
  statements.push(...writer.statements());
  if (taxonomyChanged) statements.push(...taxonomyStatements(content.taxonomy));
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
  setMeta('taxonomy_digest', content.taxonomyDigest);
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
  next: ReadonlyMap<string, LoadedFile>,
  newIds: ReadonlySet<string>,
  full: boolean,
): Promise<{ versions: Version[]; replaceAll: boolean }> {
  const base = prefix ? `${prefix}/` : '';
  const current = new Map([...next].map(([id, file]) => [`${base}${file.path}`, id]));
  if (!full && lastCommit && (lastCommit === commit || (await isAncestor(repo, lastCommit, commit)))) {
    const versions =
      lastCommit === commit ? [] : versionsFromLog(await logChanges(repo, `${lastCommit}..${commit}`, prefix), current);
    const touched = new Set(versions.map((version) => version.documentId));
    if ([...newIds].every((id) => touched.has(id))) return { versions, replaceAll: false };
  }
  return { versions: versionsFromLog(await logChanges(repo, commit, prefix), current), replaceAll: true };
}

/** The id of an accepted document file. */
function idOf(file: LoadedFile): string {
  return (file.result.document as ParsedDocument).frontMatter.id;
}

async function readMeta(index: Client): Promise<Map<string, string>> {
  const rows = (await index.execute('SELECT key, value FROM meta')).rows;
  return new Map(rows.map((row) => [String(row.key), String(row.value)]));
}

async function readStoredRows(index: Client): Promise<Map<string, StoredRow>> {
  const rows = (await index.execute('SELECT id, path, digest, stamp, model, body_text FROM documents')).rows;
  return new Map(rows.map((row) => [String(row.path), row as unknown as StoredRow]));
}
