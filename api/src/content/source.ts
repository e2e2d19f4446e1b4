/**
 * Where content comes from. The checker and the indexer read through this interface, so
 * the same rules run on a working tree, on git at a ref, or on a source that fails.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createBlobReader, listTree } from '../git/git.ts';

/** One file of a source. */
export interface SourceEntry {
  /** Relative to the content root, `/`-separated. */
  path: string;
  /** The git blob id of the content when the source knows it without reading the file. */
  digest?: string;
  /** A cheap change marker (size and modification time) for sources without digests. */
  stamp?: string;
}

/** A tree of content files, addressed by paths relative to the content root. */
export interface ContentSource {
  /** A human-readable name of the root, for messages. */
  readonly description: string;
  /** Every file under the root, sorted by path. */
  list(): Promise<SourceEntry[]>;
  /** The bytes of one file, or `undefined` when it does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Releases what the source holds open (a git process). */
  close?(): void;
}

/** Folders never looked into: dependencies, build output, hidden folders. */
const SKIPPED = new Set(['node_modules', 'dist']);
const isSkipped = (path: string) => path.split('/').some((part) => part.startsWith('.') || SKIPPED.has(part));

/** Reads content from a folder on disk. */
export function createWorkingTreeSource(root: string): ContentSource {
  return {
    description: root,
    async list() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      const files = entries
        .filter((entry) => entry.isFile())
        .map((entry) => ({
          full: join(entry.parentPath, entry.name),
          path: relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'),
        }))
        .filter(({ path }) => !isSkipped(path))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      // Synchronous stats: for thousands of small calls far cheaper than the thread pool.
      return files.map(({ full, path }) => {
        const info = statSync(full, { bigint: true });
        return { path, stamp: `${info.size}:${info.mtimeNs}:${info.ino}` };
      });
    },
    async read(path) {
      try {
        return await readFile(join(root, ...path.split('/')));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}

/**
 * Reads content from git at a commit: `prefix` is the content folder relative to the
 * repository (`content`). Digests are the blob ids, so unchanged files are never read.
 */
export function createGitSource(repo: string, commit: string, prefix: string): ContentSource {
  const base = prefix ? `${prefix.replace(/\/+$/, '')}/` : '';
  const blobs = new Map<string, string>();
  let reader: ReturnType<typeof createBlobReader> | undefined;
  return {
    description: `${commit.slice(0, 12)}:${prefix}`,
    async list() {
      const entries = await listTree(repo, commit, base);
      blobs.clear();
      const files: SourceEntry[] = [];
      for (const entry of entries) {
        const path = entry.path.slice(base.length);
        if (!entry.path.startsWith(base) || isSkipped(path)) continue;
        blobs.set(path, entry.blob);
        files.push({ path, digest: entry.blob });
      }
      return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async read(path) {
      if (blobs.size === 0) await this.list();
      const blob = blobs.get(path);
      if (!blob) return undefined;
      reader ??= createBlobReader(repo);
      return reader.read(blob);
    },
    close() {
      reader?.close();
      reader = undefined;
    },
  };
}

/** The git blob id of some bytes: the digest a git source reports for the same file. */
export function blobDigest(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/** True for files that are documents (as opposed to taxonomy, images, READMEs). */
export function isDocumentPath(path: string): boolean {
  return path.endsWith('.mdx');
}
