/**
 * `IN (…)` over many values, as bound arguments: SQLite caps the parameters of one
 * statement, so long lists are cut into chunks, one statement each. The SQL holds one
 * `IN (?)`, which becomes `IN (?, ?, …)` with as many placeholders as the chunk has values.
 */
import type { InValue } from '@libsql/client';

/** Values per statement: far below SQLite's 32,766-parameter limit, small enough to plan fast. */
export const IN_LIST_CHUNK = 500;

/** `?, ?, …`: one bound parameter per value, for a list known to be short (an enum's values, one row). */
export function marks(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** One statement per chunk of `values`; `leading` arguments bind before the list. */
export function inList(
  sql: string,
  values: readonly InValue[],
  leading: readonly InValue[] = [],
  size = IN_LIST_CHUNK,
): { sql: string; args: InValue[] }[] {
  if (!sql.includes('IN (?)')) throw new Error(`inList: no "IN (?)" in ${sql}`);
  const statements: { sql: string; args: InValue[] }[] = [];
  for (let start = 0; start < values.length; start += size) {
    const chunk = values.slice(start, start + size);
    statements.push({
      sql: sql.replace('IN (?)', `IN (${marks(chunk.length)})`),
      args: [...leading, ...chunk],
    });
  }
  return statements;
}
