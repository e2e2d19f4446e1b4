/**
 * The heavy parts of documents — body text, versions, and the extracted prompts, causes
 * and corrective actions — each loaded in one query for all the documents a request
 * touches, and only when a query asks for it.
 */
import type { Row } from '@libsql/client';
import type { Cause, CorrectiveAction, Prompt } from '../../content/structure.ts';
import type { DatabaseReader } from '../../db/database.ts';
import { inList } from '../../db/in-list.ts';
import type { Version } from '../../git/history.ts';
import { actionOf } from './actions.ts';

const str = (value: unknown) => (value === null || value === undefined ? undefined : String(value));

/** Runs `sql` (its `IN (?)` over `ids`, in chunks) and groups the rows by document id, in `ids` order. */
async function grouped<T>(
  index: DatabaseReader,
  sql: string,
  ids: readonly string[],
  map: (row: Row) => T,
  key = 'document_id',
): Promise<T[][]> {
  const byId = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const statement of inList(sql, ids)) {
    for (const row of (await index.execute(statement)).rows) byId.get(String(row[key]))?.push(map(row));
  }
  return ids.map((id) => byId.get(id) ?? []);
}

export async function loadTexts(index: DatabaseReader, ids: readonly string[]): Promise<string[]> {
  const lists = await grouped(
    index,
    `SELECT id, body_text FROM documents WHERE id IN (?)`,
    ids,
    (row) => String(row.body_text),
    'id',
  );
  return lists.map((list) => list[0] ?? '');
}

export function loadVersions(index: DatabaseReader, ids: readonly string[]): Promise<Omit<Version, 'documentId'>[][]> {
  return grouped(
    index,
    `SELECT document_id, sha, path, change, author_name, author_email, date, message FROM versions WHERE document_id IN (?) ORDER BY date DESC`,
    ids,
    (row) => ({
      sha: String(row.sha),
      path: String(row.path),
      change: String(row.change) as Version['change'],
      authorName: String(row.author_name),
      authorEmail: String(row.author_email),
      date: String(row.date),
      message: String(row.message),
    }),
  );
}

export function loadPrompts(index: DatabaseReader, ids: readonly string[]): Promise<Prompt[][]> {
  return grouped(
    index,
    `SELECT document_id, position, step, text, minutes FROM prompts WHERE document_id IN (?) ORDER BY position`,
    ids,
    (row) => ({
      position: Number(row.position),
      step: str(row.step),
      text: String(row.text),
      minutes: row.minutes === null ? undefined : Number(row.minutes),
    }),
  );
}

export function loadCauses(index: DatabaseReader, ids: readonly string[]): Promise<Cause[][]> {
  return grouped(
    index,
    `SELECT document_id, position, parent_position, container, text, category, type, evidence, root FROM causes WHERE document_id IN (?) ORDER BY position`,
    ids,
    (row) => ({
      position: Number(row.position),
      parentPosition: row.parent_position === null ? undefined : Number(row.parent_position),
      container: String(row.container),
      text: String(row.text),
      category: str(row.category),
      type: str(row.type),
      evidence: str(row.evidence),
      root: Number(row.root) === 1,
    }),
  );
}

export function loadActions(index: DatabaseReader, ids: readonly string[]): Promise<CorrectiveAction[][]> {
  return grouped(
    index,
    `SELECT document_id, action_id, owner, due, status, closed, text FROM corrective_actions WHERE document_id IN (?) ORDER BY action_id`,
    ids,
    actionOf,
  );
}

/** The start of a document's text, cut at a word boundary near `length` characters. */
export function documentExcerpt(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length);
  const space = cut.lastIndexOf(' ');
  return `${(space > length * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
