/**
 * The next free document id of a kind. Ids are never reused, even after a document is
 * deleted, so the ids in use are read from the files (declared and in file names) and from
 * every path the content folder ever had in git (one bulk `git log`).
 */
import { relative, sep } from 'node:path';
import { KINDS, type Kind } from '../content/schema.ts';
import type { ContentSource } from '../content/source.ts';
import { isDocumentPath } from '../content/source.ts';
import { findRepository, headCommit, logChanges } from '../git/git.ts';

const ID_IN_NAME = /^(LL|SOP|RCA)-(\d{4,})(?![0-9])/;
const ID_IN_FRONT_MATTER = /^id:[ \t]*["']?((?:LL|SOP|RCA)-\d{4,})/m;

/** Every document id the content folder uses or has used. */
export async function usedIds(source: ContentSource, root: string): Promise<Set<string>> {
  const used = new Set<string>();
  const fromName = (path: string) => {
    const match = ID_IN_NAME.exec(path.split('/').at(-1) ?? '');
    if (match) used.add(`${match[1]}-${match[2]}`);
  };
  const decoder = new TextDecoder();
  for (const entry of await source.list()) {
    if (!isDocumentPath(entry.path)) continue;
    fromName(entry.path);
    const bytes = await source.read(entry.path);
    // The id sits at the top of the front matter: no need to decode a whole large file.
    const head = bytes ? decoder.decode(bytes.subarray(0, 4096)) : '';
    const declared = ID_IN_FRONT_MATTER.exec(head);
    if (declared?.[1]) used.add(declared[1]);
  }
  for (const path of await historicPaths(root)) fromName(path);
  return used;
}

/** Paths of every file the content folder held in HEAD's history (renamed-from included). */
async function historicPaths(root: string): Promise<string[]> {
  const repo = await findRepository(root);
  if (!repo || !(await headCommit(repo))) return [];
  const prefix = relative(repo, root).split(sep).join('/');
  const paths: string[] = [];
  for (const commit of await logChanges(repo, 'HEAD', prefix)) {
    for (const change of commit.changes) {
      paths.push(change.path);
      if (change.from) paths.push(change.from);
    }
  }
  return paths;
}

/** The id after the highest one of `kind` in `used`, with at least four digits. */
export function nextId(kind: Kind, used: Iterable<string>): string {
  const prefix = KINDS[kind].prefix;
  let highest = 0;
  for (const id of used) {
    const [head, number] = id.split('-');
    if (head === prefix && number !== undefined) highest = Math.max(highest, Number(number));
  }
  return `${prefix}-${String(highest + 1).padStart(4, '0')}`;
}

/** A file name part from a title: lower-case ASCII words joined by "-", at most 60 characters. */
export function slugify(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replaceAll('ß', 'ss')
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > 60) break;
    slug = next;
  }
  return slug || 'untitled';
}
