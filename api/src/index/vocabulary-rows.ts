/**
 * The corpus vocabulary (`vocabulary`: word → how many documents hold it), kept up to
 * date in the same write batch as the documents: what search corrects typos against and
 * how it tells a real word from a misspelling. Each document row stores its own distinct
 * words (`documents.words`), so a run subtracts what it replaces and adds what it writes.
 */
import type { Client, InStatement } from '@libsql/client';
import { inList } from '../db/in-list.ts';

/** Words each of these documents holds now (before the run replaces or removes them). */
export async function storedWords(index: Client, ids: readonly string[]): Promise<string[][]> {
  const lists: string[][] = [];
  for (const { sql, args } of inList('SELECT words FROM documents WHERE id IN (?)', ids)) {
    for (const row of (await index.execute({ sql, args })).rows) lists.push(JSON.parse(String(row.words)) as string[]);
  }
  return lists;
}

/** Statements applying a change in document counts per word (`reset` empties the table first). */
export function vocabularyStatements(delta: ReadonlyMap<string, number>, reset: boolean): InStatement[] {
  const statements: InStatement[] = reset ? [{ sql: 'DELETE FROM vocabulary', args: [] }] : [];
  const changes = [...delta].filter(([, change]) => change !== 0);
  for (let start = 0; start < changes.length; start += 1000) {
    const chunk = changes.slice(start, start + 1000);
    statements.push({
      sql: `INSERT INTO vocabulary (word, documents) VALUES ${chunk.map(() => '(?, ?)').join(', ')}
            ON CONFLICT (word) DO UPDATE SET documents = documents + excluded.documents`,
      args: chunk.flat(),
    });
  }
  if (changes.some(([, change]) => change < 0))
    statements.push({ sql: 'DELETE FROM vocabulary WHERE documents <= 0', args: [] });
  return statements;
}

/** Adds `sign` for each word of each list to `delta`. */
export function countWords(delta: Map<string, number>, lists: readonly (readonly string[])[], sign: 1 | -1): void {
  for (const list of lists) for (const word of list) delta.set(word, (delta.get(word) ?? 0) + sign);
}
