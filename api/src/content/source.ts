/**
 * Where content comes from. The checker and the indexer read through this interface, so
 * the same rules run on a working tree, on git at a ref, or on a source that fails.
 *
 * Both real sources admit the same files: regular files inside the content folder, and
 * symbolic links that resolve to one. A link that leads outside the folder
 * (`LINK_OUTSIDE_CONTENT`), a FIFO, device, socket or link to a folder
 * (`FILE_NOT_REGULAR`) and a file over the size limit are refused — listed with the
 * refusal, and `read` throws a `ContentPathError` — before a byte is read: nothing outside
 * the folder is ever served, and nothing can hang a check or fill memory. In git, a link
 * is resolved in the tree of the commit, so `--ref` admits exactly what the working tree
 * admits (it used to read the link's text instead).
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { createBlobReader, listTree, type TreeEntry } from '../git/git.ts';
import { MAX_FILE_BYTES, tooLargeMessage } from './file-limits.ts';

/** The diagnostic codes a source refuses a path with. */
export type RefusalCode = 'LINK_OUTSIDE_CONTENT' | 'FILE_NOT_REGULAR' | 'FILE_TOO_LARGE' | 'FILE_UNREADABLE';

/** Why a path is not read. */
export interface Refusal {
  code: RefusalCode;
  message: string;
}

/** A path the source will not read; `code` is a diagnostic code. */
export class ContentPathError extends Error {
  override name = 'ContentPathError';
  readonly code: RefusalCode;
  constructor({ code, message }: Refusal) {
    super(message);
    this.code = code;
  }
}

/** One file of a source. */
export interface SourceEntry {
  /** Relative to the content root, `/`-separated. */
  path: string;
  /** The git blob id of the content when the source knows it without reading the file. */
  digest?: string;
  /** A cheap change marker (size and modification time) for sources without digests. */
  stamp?: string;
  /** Set when the source refuses to read the path (it is listed so it can be reported). */
  refused?: Refusal;
}

/** A tree of content files, addressed by paths relative to the content root. */
export interface ContentSource {
  /** A human-readable name of the root, for messages. */
  readonly description: string;
  /** Every file under the root, sorted by path. */
  list(): Promise<SourceEntry[]>;
  /** The bytes of one file, or `undefined` when it does not exist; `ContentPathError` when refused. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Releases what the source holds open (a git process). */
  close?(): void;
}

/** Folders never looked into: dependencies, build output, hidden folders. */
const SKIPPED = new Set(['node_modules', 'dist']);
const isSkipped = (path: string) => path.split('/').some((part) => part.startsWith('.') || SKIPPED.has(part));

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

const refusal = (code: RefusalCode, message: string): Refusal => ({ code, message });
const tooLarge = (size: number) => refusal('FILE_TOO_LARGE', tooLargeMessage(size));

/** What a directory entry that is not a regular file or a link is. */
function special(entry: Dirent | { isFIFO(): boolean; isSocket(): boolean; isDirectory(): boolean }): string {
  if (entry.isFIFO()) return 'a FIFO (named pipe)';
  if (entry.isSocket()) return 'a socket';
  if (entry.isDirectory()) return 'a folder';
  return 'a device';
}

/** True when `target` (a real path) lies inside `realRoot`. */
function isInside(realRoot: string, target: string): boolean {
  const inside = relative(realRoot, target);
  return inside !== '' && !inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside);
}

/** A path a caller passes to `read`: relative, `/`-separated, no `..`. */
function checkRelative(path: string): void {
  if (path === '' || path.startsWith('/') || path.split('/').some((part) => part === '..' || part === ''))
    throw new ContentPathError(refusal('FILE_UNREADABLE', `not a path inside the content folder: ${path}`));
}

/** Reads content from a folder on disk. */
export function createWorkingTreeSource(root: string): ContentSource {
  let realRootPromise: Promise<string> | undefined;
  const realRoot = () => {
    realRootPromise ??= realpath(root);
    return realRootPromise;
  };

  /** Where a symbolic link leads, if it is admitted; its stamp from the file it names. */
  const admitLink = async (full: string): Promise<{ stamp: string } | Refusal> => {
    let target: string;
    try {
      target = await realpath(full);
    } catch {
      return refusal('FILE_UNREADABLE', 'symbolic link to a file that does not exist');
    }
    if (!isInside(await realRoot(), target))
      return refusal('LINK_OUTSIDE_CONTENT', 'symbolic link to a file outside the content folder');
    const info = await stat(target, { bigint: true });
    if (!info.isFile()) return refusal('FILE_NOT_REGULAR', `symbolic link to ${special(info)}, not a file`);
    return { stamp: `${info.size}:${info.mtimeNs}:${info.ino}` };
  };

  return {
    description: root,
    async list() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      const listed: SourceEntry[] = [];
      for (const entry of entries) {
        if (entry.isDirectory()) continue;
        const full = join(entry.parentPath, entry.name);
        const path = relative(root, full).split(sep).join('/');
        if (isSkipped(path)) continue;
        if (entry.isFile()) {
          // Synchronous stats: for thousands of small calls far cheaper than the thread pool.
          const info = statSync(full, { bigint: true });
          listed.push({ path, stamp: `${info.size}:${info.mtimeNs}:${info.ino}` });
        } else if (entry.isSymbolicLink()) {
          const admitted = await admitLink(full);
          listed.push('code' in admitted ? { path, refused: admitted } : { path, stamp: admitted.stamp });
        } else {
          listed.push({ path, refused: refusal('FILE_NOT_REGULAR', `${special(entry)}, not a file`) });
        }
      }
      return listed.sort(byPath);
    },
    async read(path) {
      checkRelative(path);
      const full = join(root, ...path.split('/'));
      // Synchronous calls, as for the listing's stats: thousands of small files read far
      // faster than through the thread pool (five round trips each), and a read is short.
      let target: string;
      try {
        // Any link on the way (the file, or a folder such as taxonomy/) is followed here.
        target = realpathSync(full);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        // A dangling link is refused, a path with nothing there is just absent.
        if (isLink(full))
          throw new ContentPathError(refusal('FILE_UNREADABLE', 'symbolic link to a file that does not exist'));
        return undefined;
      }
      if (!isInside(await realRoot(), target))
        throw new ContentPathError(
          refusal('LINK_OUTSIDE_CONTENT', 'symbolic link to a file outside the content folder'),
        );
      // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
      const fd = openSync(target, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        const info = fstatSync(fd);
        if (!info.isFile()) throw new ContentPathError(refusal('FILE_NOT_REGULAR', `${special(info)}, not a file`));
        if (info.size > MAX_FILE_BYTES) throw new ContentPathError(tooLarge(info.size));
        // Never more than the limit, even if the file grows while it is read.
        const buffer = Buffer.alloc(Math.min(info.size, MAX_FILE_BYTES) + 1);
        let length = 0;
        for (;;) {
          const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
          if (bytesRead === 0) break;
          length += bytesRead;
          if (length === buffer.length) break;
        }
        if (length > MAX_FILE_BYTES) throw new ContentPathError(tooLarge(length));
        return buffer.subarray(0, length);
      } finally {
        closeSync(fd);
      }
    },
  };
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false; // nothing there at all
  }
}

/** Longest chain of links followed inside a git tree. */
const MAX_LINK_HOPS = 16;

/**
 * Reads content from git at a commit: `prefix` is the content folder relative to the
 * repository (`content`). Digests are the blob ids, so unchanged files are never read.
 */
export function createGitSource(repo: string, commit: string, prefix: string): ContentSource {
  const base = prefix ? `${prefix.replace(/\/+$/, '')}/` : '';
  /** Admitted files: path → blob and size (a link maps to the file it resolves to). */
  let blobs = new Map<string, { blob: string; size: number }>();
  let refused = new Map<string, Refusal>();
  let reader: ReturnType<typeof createBlobReader> | undefined;
  const blobReader = () => {
    reader ??= createBlobReader(repo);
    return reader;
  };

  const list = async (): Promise<SourceEntry[]> => {
    const tree = await listTree(repo, commit, base);
    const byRepoPath = new Map<string, TreeEntry>(tree.map((entry) => [entry.path, entry]));
    const folders = new Set<string>();
    for (const entry of tree) {
      for (let slash = entry.path.indexOf('/'); slash !== -1; slash = entry.path.indexOf('/', slash + 1))
        folders.add(entry.path.slice(0, slash));
    }
    const linkTexts = new Map<string, string>();
    for (const entry of tree) {
      if (entry.mode === '120000') {
        const text = await blobReader().read(entry.blob);
        linkTexts.set(entry.path, text ? text.toString('utf8') : '');
      }
    }
    /** Follows links in the tree from `start` to a regular blob, or says why not. */
    const resolve = (start: TreeEntry): TreeEntry | Refusal => {
      let entry = start;
      for (let hops = 0; entry.mode === '120000'; hops++) {
        if (hops >= MAX_LINK_HOPS) return refusal('FILE_UNREADABLE', 'symbolic links that loop');
        const text = linkTexts.get(entry.path) ?? '';
        const target = posix.normalize(posix.join(posix.dirname(entry.path), text));
        if (posix.isAbsolute(text) || target === '..' || target.startsWith('../') || !target.startsWith(base))
          return refusal('LINK_OUTSIDE_CONTENT', 'symbolic link to a file outside the content folder');
        const next = byRepoPath.get(target);
        if (!next) {
          return folders.has(target)
            ? refusal('FILE_NOT_REGULAR', 'symbolic link to a folder, not a file')
            : refusal('FILE_UNREADABLE', 'symbolic link to a file that does not exist');
        }
        entry = next;
      }
      return entry;
    };
    blobs = new Map();
    refused = new Map();
    const files: SourceEntry[] = [];
    for (const entry of tree) {
      const path = entry.path.slice(base.length);
      if (!entry.path.startsWith(base) || isSkipped(path)) continue;
      const resolved = resolve(entry);
      if ('code' in resolved) {
        refused.set(path, resolved);
        files.push({ path, refused: resolved });
        continue;
      }
      blobs.set(path, { blob: resolved.blob, size: resolved.size });
      files.push({ path, digest: resolved.blob });
    }
    return files.sort(byPath);
  };

  return {
    description: `${commit.slice(0, 12)}:${prefix}`,
    list,
    async read(path) {
      checkRelative(path);
      if (blobs.size === 0 && refused.size === 0) await list();
      const why = refused.get(path);
      if (why) throw new ContentPathError(why);
      const found = blobs.get(path);
      if (!found) return undefined;
      if (found.size > MAX_FILE_BYTES) throw new ContentPathError(tooLarge(found.size));
      return blobReader().read(found.blob);
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
