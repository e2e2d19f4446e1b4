/**
 * What changed in the content between two moments, from git: the commit current at the
 * start of the window and the one current at its end (on the first-parent line, i.e.
 * what landed), the documents that differ between them (renames detected, lines added
 * and removed), each version's facts, and the commits in between that touched each one.
 * A handful of git processes per window, whatever its size: one `rev-list` per end, one
 * `diff`, one `log` and one `cat-file --batch`.
 */
import { relative, sep } from 'node:path';
import { LRUCache } from 'lru-cache';
import { createParserPool, type DocumentParser } from '../content/parse-pool.ts';
import { isDocumentPath } from '../content/source.ts';
import {
  commitAt,
  createBlobReader,
  diffTrees,
  emptyTree,
  findRepository,
  type LogCommit,
  logChanges,
  type TreeChange,
} from '../git/git.ts';
import { type DocumentFacts, documentFacts } from './document-facts.ts';

/** A commit that touched a document in the window. */
export interface CommitSummary {
  sha: string;
  /** Author date, ISO 8601. */
  date: string;
  author: string;
  message: string;
}

/** One document that differs between the start and the end of the window. */
export interface DocumentDelta {
  /** Content-relative path at the end of the window (at the start, for a removed file). */
  path: string;
  /** Content-relative path at the start, when it was renamed. */
  previousPath: string | null;
  status: TreeChange['status'];
  linesAdded: number;
  linesRemoved: number;
  /** Facts at the start and at the end; null where the file did not exist or did not parse. */
  before: DocumentFacts | null;
  after: DocumentFacts | null;
  /** Commits in the window that touched it, newest first (renames followed). */
  commits: CommitSummary[];
}

export interface WindowChanges {
  /** The commit current when the window opened; null when history starts inside it. */
  fromCommit: string | null;
  /** The commit current when it closed; null when history starts after it. */
  toCommit: string | null;
  documents: DocumentDelta[];
}

/** Reads window changes from a content folder's git history. */
export interface ChangeHistory {
  /** The repository's top folder. */
  readonly repo: string;
  /** What changed on the first-parent line of `head` between `since` (exclusive) and `until`. */
  changes(head: string, since: Date, until: Date): Promise<WindowChanges>;
  /** Stops the parser this history started. */
  close(): Promise<void>;
}

export interface ChangeHistoryOptions {
  /** Parses old versions; without one, a one-worker pool is started on first use. */
  parser?: DocumentParser;
}

/** The change history of `contentDir`, or `undefined` when it is not in a git repository. */
export async function createChangeHistory(
  contentDir: string,
  options: ChangeHistoryOptions = {},
): Promise<ChangeHistory | undefined> {
  const repo = await findRepository(contentDir);
  if (!repo) return undefined;
  const prefix = relative(repo, contentDir).split(sep).join('/');
  const base = prefix ? `${prefix}/` : '';
  let parser = options.parser;
  let ownParser: DocumentParser | undefined;
  // Windows slide with the clock but their ends move only when a commit lands.
  const windows = new LRUCache<string, Promise<WindowChanges>>({ max: 32 });
  const facts = new LRUCache<string, { value: DocumentFacts | null; lines: number }>({ max: 4000 });

  const read = async (from: string | undefined, to: string): Promise<WindowChanges> => {
    const start = from ?? (await emptyTree(repo));
    const tree = (await diffTrees(repo, start, to, prefix)).filter(
      (change) => change.path.startsWith(base) && isDocumentPath(change.path),
    );
    if (tree.length === 0) return { fromCommit: from ?? null, toCommit: to, documents: [] };
    const reader = createBlobReader(repo);
    try {
      const parse = async (
        blob: string | undefined,
        path: string,
      ): Promise<{ value: DocumentFacts | null; lines: number }> => {
        if (!blob) return { value: null, lines: 0 };
        const cached = facts.get(blob);
        if (cached) return cached;
        const bytes = await reader.read(blob);
        parser ??= ownParser = createParserPool({ workers: 1 });
        const document = bytes ? (await parser.parse(path, bytes)).document : undefined;
        const entry = { value: document ? documentFacts(document) : null, lines: bytes ? countLines(bytes) : 0 };
        facts.set(blob, entry);
        return entry;
      };
      const deltas = await Promise.all(
        tree.map(async (change): Promise<DocumentDelta[]> => {
          const path = change.path.slice(base.length);
          const previousPath = change.from?.slice(base.length) ?? null;
          const [before, after] = await Promise.all([
            parse(change.oldBlob, previousPath ?? path),
            parse(change.newBlob, path),
          ]);
          const delta = { path, previousPath, before: before.value, after: after.value };
          // Git pairs a deleted file with a similar new one as a rename; two documents with
          // different ids are a removal and an addition, however alike their text.
          if (previousPath !== null && before.value && after.value && before.value.id !== after.value.id) {
            return [
              {
                ...delta,
                path: previousPath,
                previousPath: null,
                status: 'D',
                linesAdded: 0,
                linesRemoved: before.lines,
                after: null,
                commits: [],
              },
              {
                ...delta,
                previousPath: null,
                status: 'A',
                linesAdded: after.lines,
                linesRemoved: 0,
                before: null,
                commits: [],
              },
            ];
          }
          return [
            { ...delta, status: change.status, linesAdded: change.added, linesRemoved: change.removed, commits: [] },
          ];
        }),
      );
      const documents = deltas.flat();
      const log = await logChanges(repo, from ? `${from}..${to}` : to, prefix);
      attributeCommits(log, documents, base);
      return { fromCommit: from ?? null, toCommit: to, documents };
    } finally {
      reader.close();
    }
  };

  return {
    repo,
    async changes(head, since, until) {
      const [from, to] = await Promise.all([commitAt(repo, head, since), commitAt(repo, head, until)]);
      if (!to || from === to) return { fromCommit: from ?? null, toCommit: to ?? null, documents: [] };
      const key = `${from ?? ''}..${to}`;
      let pending = windows.get(key);
      if (!pending) {
        pending = read(from, to);
        // A failed read (git gone, disk full) must not stay cached.
        pending.catch(() => windows.delete(key));
        windows.set(key, pending);
      }
      return pending;
    },
    async close() {
      await ownParser?.close();
      ownParser = undefined;
    },
  };
}

/**
 * Hands each commit (newest first) to the documents it touched, following renames back
 * from the end of the window, as the indexer's version history does; a deletion counts
 * as a change of the document that was deleted.
 */
function attributeCommits(log: readonly LogCommit[], documents: DocumentDelta[], base: string): void {
  const byPath = new Map<string, DocumentDelta>();
  for (const document of documents) byPath.set(`${base}${document.path}`, document);
  for (const commit of log) {
    const summary = { sha: commit.sha, date: commit.date, author: commit.authorName, message: commit.subject };
    for (const change of commit.changes) {
      const document = byPath.get(change.path);
      if (!document) continue;
      if (document.commits.at(-1)?.sha !== commit.sha) document.commits.push(summary);
      if (change.status === 'A') byPath.delete(change.path);
      else if (change.status === 'R') {
        byPath.delete(change.path);
        if (change.from) byPath.set(change.from, document);
      }
    }
  }
}

/** Lines in a file, as `git diff --numstat` counts them (a last line without a newline counts). */
function countLines(bytes: Uint8Array): number {
  let lines = 0;
  for (const byte of bytes) if (byte === 10) lines++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? lines + 1 : lines;
}
