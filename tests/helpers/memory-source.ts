/**
 * A content source over an in-memory map, and one that fails on chosen files: the real
 * `ContentSource` contract without touching the disk.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ContentSource } from '../../api/src/content/source.ts';

export function createMemorySource(
  files: ReadonlyMap<string, string | Uint8Array>,
  failing: ReadonlySet<string> = new Set(),
): ContentSource {
  return {
    description: 'memory',
    async list() {
      return [...files.keys()].sort().map((path) => ({ path }));
    },
    async read(path) {
      if (failing.has(path)) throw new Error(`EIO: i/o error, read '${path}'`);
      const value = files.get(path);
      return typeof value === 'string' ? new TextEncoder().encode(value) : value;
    },
  };
}

/** Reads a fixture folder into a map, to be mutated by a test. */
export async function readFixture(root: string): Promise<Map<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = new Map<string, string>();
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.set(relative(root, full).split(sep).join('/'), await readFile(full, 'utf8'));
  }
  return files;
}
