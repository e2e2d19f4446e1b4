/**
 * A search plan carried out by FTS5. Query text never reaches FTS5 as syntax: the plan
 * holds only words of letters and digits, each quoted here. A group becomes an OR of
 * its alternatives (each an AND of words); a tier of the ladder an expression over the
 * groups: all of them (tier 0), all but any one (tier 1), any (tier 2).
 */
import type { DatabaseReader } from '../../db/database.ts';
import { inList } from '../../db/in-list.ts';
import { FTS_WEIGHTS } from '../../index/migrations.ts';
import type { Group, QueryPlan } from '../../search/plan.ts';
import type { Tier } from '../../search/rank.ts';

/**
 * A word as an FTS5 string. A code ("e104") also matches as the two tokens the text
 * splits it into ("E-104" → "e" "104"), so highlights mark it where it is written.
 */
function quote(word: string, prefix: boolean): string {
  const quoted = `"${word.replaceAll('"', '')}"${prefix ? '*' : ''}`;
  const code = prefix ? null : /^(\p{L}+)(\p{N}+\p{L}?)$/u.exec(word);
  return code ? `(${quoted} OR "${code[1]} ${code[2]}")` : quoted;
}
const all = (parts: string[]) => (parts.length === 1 ? (parts[0] as string) : `(${parts.join(' AND ')})`);
const any = (parts: string[]) => (parts.length === 1 ? (parts[0] as string) : `(${parts.join(' OR ')})`);

/** A group as an FTS5 expression; undefined when no word of it is in the corpus. */
export function groupExpression(group: Group): string | undefined {
  const alternatives = group.alternatives.map((alternative) =>
    all(alternative.words.map((word, n) => quote(word, alternative.prefix && n === alternative.words.length - 1))),
  );
  return alternatives.length > 0 ? any(alternatives) : undefined;
}

/** The expression matching documents of `tier` or better (see rank.ts); undefined when none can. */
export function tierExpression(plan: QueryPlan, tier: Tier): string | undefined {
  const groups = plan.groups.map(groupExpression);
  const known = groups.filter((g): g is string => g !== undefined);
  // Groups that cannot match (no corpus word) miss like unknown words do.
  const missing = plan.unknown.length + groups.length - known.length;
  if (known.length === 0) return undefined;
  // Some parts: of the distinctive ones (see `tierOf`: a common word alone is no match).
  if (tier === 2) {
    const distinctive = plan.groups.flatMap((group, n) => (group.common ? [] : (groups[n] ?? [])));
    return distinctive.length > 0 ? any(distinctive) : undefined;
  }
  if (missing > tier) return undefined;
  if (tier === 0 || missing === 1) return all(known);
  // Tier 1 with every group matchable: each group may be the one missed.
  return known.length < 2 ? undefined : any(known.map((_, skip) => all(known.filter((_, i) => i !== skip))));
}

/** A document an FTS5 query matched. */
export interface FtsMatch {
  rowid: number;
  /** bm25 turned positive: larger is better. */
  relevance: number;
}

const WEIGHTS = Object.values(FTS_WEIGHTS).join(', ');

/**
 * Rows matching an expression, best first (bm25 with the column weights). Rows, not ids:
 * the catalog maps them (`idAtRow`), which spares FTS5 a content-table read per match.
 */
export async function matchFts(index: DatabaseReader, expression: string, limit: number): Promise<FtsMatch[]> {
  const { rows } = await index.execute({
    sql: `SELECT rowid, bm25(documents_fts, ${WEIGHTS}) AS rank FROM documents_fts
          WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?`,
    args: [expression, limit],
  });
  return rows.map((row) => ({ rowid: Number(row.rowid), relevance: -Number(row.rank) }));
}

/** Highlighted title and body snippet of some rows (\x02…\x03 around matches). */
export async function highlightRows(
  index: DatabaseReader,
  expression: string,
  rowids: readonly number[],
): Promise<Map<string, { title: string; snippet: string }>> {
  const result = new Map<string, { title: string; snippet: string }>();
  // By rowid, so FTS5 seeks the page's rows instead of scanning every match.
  for (const { sql, args } of inList(
    `SELECT document_id, highlight(documents_fts, 1, char(2), char(3)) AS title,
            snippet(documents_fts, 3, char(2), char(3), '…', 24) AS snippet
     FROM documents_fts WHERE documents_fts MATCH ? AND rowid IN (?)`,
    rowids,
    [expression],
  )) {
    for (const row of (await index.execute({ sql, args })).rows)
      result.set(String(row.document_id), { title: String(row.title), snippet: String(row.snippet) });
  }
  return result;
}

/** Indices of the plan's groups that one row does not match (to judge a partial match). */
export async function missedGroups(index: DatabaseReader, plan: QueryPlan, rowid: number): Promise<number[]> {
  const missed: number[] = [];
  for (const [n, group] of plan.groups.entries()) {
    const expression = groupExpression(group);
    const found = expression
      ? (
          await index.execute({
            sql: 'SELECT 1 FROM documents_fts WHERE documents_fts MATCH ? AND rowid = ?',
            args: [expression, rowid],
          })
        ).rows.length > 0
      : false;
    if (!found) missed.push(n);
  }
  return missed;
}
