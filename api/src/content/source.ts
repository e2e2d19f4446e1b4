/**
 * Where content comes from. The checker and the indexer read through this interface, so
 * the same rules run on a working tree, on git at a ref, or on a source that fails.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** A tree of content files, addressed by paths relative to the content root. */
export interface ContentSource {
  /** A human-readable name of the root, for messages. */
  readonly description: string;
  /** Every file under the root, relative and `/`-separated, sorted. */
  list(): Promise<string[]>;
  /** The bytes of one file, or `undefined` when it does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
}

/** Folders never looked into: dependencies, build output, hidden folders. */
const SKIPPED = new Set(['node_modules', 'dist']);

/** Reads content from a folder on disk. */
export function createWorkingTreeSource(root: string): ContentSource {
  return {
    description: root,
    async list() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
        .filter((path) => !path.split('/').some((part) => part.startsWith('.') || SKIPPED.has(part)))
        .sort();
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

/** True for files that are documents (as opposed to taxonomy, images, READMEs). */
export function isDocumentPath(path: string): boolean {
  return path.endsWith('.mdx');
}
