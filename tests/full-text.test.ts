/**
 * Search matches and ranks in memory (full-text.ts). The index keeps its FTS5 table, so
 * the in-memory engine is checked against FTS5 itself on a real index of a generated
 * corpus: the same documents for every tier of every query, with bm25 to 1e-9. Then the
 * marks and snippets of a results page.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParserPool } from '../api/src/content/parse-pool.ts';
import { openIndex, storageConfig } from '../api/src/db/storage.ts';
import { openIndexSource, runIndex } from '../api/src/index/indexer.ts';
import { FTS_WEIGHTS } from '../api/src/index/migrations.ts';
import { planQuery } from '../api/src/search/plan.ts';
import { ladder } from '../api/src/search/rank.ts';
import { type Catalog, loadCatalog } from '../api/src/server/data/catalog.ts';
import {
  type Expression,
  markedWords,
  markingExpression,
  matchExpression,
  missedGroups,
  stemOf,
  tierExpression,
} from '../api/src/server/data/full-text.ts';
import { highlight, type Marks, snippet } from '../api/src/server/data/highlight.ts';
import { generateCorpus } from '../bench/generate-corpus.ts';

/** An expression as FTS5 query syntax: each word quoted (FTS5 stems it), a prefix starred. */
function fts5(expression: Expression): string {
  if ('word' in expression) return `"${expression.word}"${expression.prefix ? '*' : ''}`;
  const [parts, operator] = 'all' in expression ? [expression.all, ' AND '] : [expression.any, ' OR '];
  return `(${parts.map(fts5).join(operator)})`;
}

const wordsOf = (expression: Expression): string[] =>
  'word' in expression ? [expression.word] : ('all' in expression ? expression.all : expression.any).flatMap(wordsOf);

async function fts5Matches(index: Client, expression: Expression): Promise<Map<number, number>> {
  const { rows } = await index.execute({
    sql: `SELECT rowid, bm25(documents_fts, ${Object.values(FTS_WEIGHTS).join(', ')}) AS rank FROM documents_fts
          WHERE documents_fts MATCH ? ORDER BY rowid`,
    args: [fts5(expression)],
  });
  return new Map(rows.map((row) => [Number(row.rowid), -Number(row.rank)]));
}

let dir: string;
let index: Client;
let catalog: Catalog;
/** Full-text row of each document id. */
let rowOf: Map<string, number>;
/** The corpus's words (the index's vocabulary). */
let corpusWords: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hansei-full-text-'));
  await generateCorpus(join(dir, 'content'), 150);
  index = await openIndex(storageConfig(join(dir, 'data')));
  const parser = createParserPool({ workers: 1 });
  try {
    await runIndex({ source: await openIndexSource(join(dir, 'content')), index, parser });
  } finally {
    await parser.close();
  }
  catalog = await loadCatalog(index);
  const { rows } = await index.execute('SELECT rowid, document_id FROM documents_fts');
  rowOf = new Map(rows.map((row) => [String(row.document_id), Number(row.rowid)]));
  corpusWords = (await index.execute('SELECT word FROM vocabulary ORDER BY word')).rows.map((row) => String(row.word));
}, 120_000);

afterAll(async () => {
  index?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('in-memory matching and bm25', () => {
  /** Words a query is made of: corpus words, their typos and plurals, codes written three ways. */
  const queryWord = () => {
    const corpus = corpusWords.filter((word) => word.length > 2);
    const codes = corpus.filter((word) => /^\p{L}+\d+$/u.test(word));
    return fc.oneof(
      fc.constantFrom(...corpus),
      fc.constantFrom(...corpus).map((word) => `${word.slice(0, -1)}${word.at(-1) === 'e' ? 'a' : 'e'}`),
      fc.constantFrom(...corpus).map((word) => `${word}s`),
      fc.constantFrom(...codes).map((code) => code.replace(/(\d)/, '-$1')),
      fc.constantFrom(...codes).map((code) => code.replace(/(\d)/, ' $1')),
      fc.constantFrom('the', 'how do i', 'shift', 'zzqx'),
    );
  };

  it('finds what FTS5 finds, with the same bm25, in every tier of any query', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(queryWord(), { minLength: 1, maxLength: 5 }), async (parts) => {
        const plan = planQuery(catalog.lexicon, parts.join(' '));
        for (const tier of ladder(plan)) {
          const expression = tierExpression(plan, tier);
          if (!expression) continue;
          const expected = await fts5Matches(index, expression);
          const found = matchExpression(catalog.fullText, expression, Number.MAX_SAFE_INTEGER);
          expect(found.length, `${plan.query} tier ${tier}`).toBe(expected.size);
          // FTS5 leaves out a word's weight when an "any" holds it beside a code phrase
          // ("e104" OR "e 104") inside an "all" inside an "any" — tier 1 with a code — an
          // artefact of how it steps through the expression. bm25 counts every phrase that
          // matches; so does the engine. Those tiers are compared on documents only.
          const quirk = tier === 1 && wordsOf(expression).some((word) => word.includes(' '));
          for (const { ordinal, relevance } of found) {
            const rowid = rowOf.get(catalog.fullText.ids[ordinal] as string) as number;
            expect(expected.has(rowid), `${plan.query} tier ${tier}`).toBe(true);
            if (!quirk) expect(relevance, `${plan.query} tier ${tier}`).toBeCloseTo(expected.get(rowid) as number, 9);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the best `limit` matches, ties to the earlier rows, in row order', () => {
    const plan = planQuery(catalog.lexicon, 'shift fault');
    const expression = tierExpression(plan, 2) ?? tierExpression(plan, 0);
    if (!expression) throw new Error('no expression');
    const all = matchExpression(catalog.fullText, expression, Number.MAX_SAFE_INTEGER);
    expect(all.length).toBeGreaterThan(20);
    const best = [...all].sort((a, b) => b.relevance - a.relevance || a.ordinal - b.ordinal).slice(0, 20);
    expect(matchExpression(catalog.fullText, expression, 20)).toEqual(best.sort((a, b) => a.ordinal - b.ordinal));
  });

  it('says which parts a partial match missed, as FTS5 does', async () => {
    const words = corpusWords.filter((word) => word.length > 3).slice(0, 40);
    for (let i = 0; i + 2 < words.length; i += 3) {
      const plan = planQuery(catalog.lexicon, words.slice(i, i + 3).join(' '));
      const expression = tierExpression(plan, 2);
      if (!expression) continue;
      for (const { ordinal } of matchExpression(catalog.fullText, expression, 5)) {
        const rowid = rowOf.get(catalog.fullText.ids[ordinal] as string) as number;
        const expected: number[] = [];
        for (const [n, group] of plan.groups.entries()) {
          const groupOnly = tierExpression({ ...plan, groups: [group], unknown: [] }, 0);
          if (!groupOnly || !(await fts5Matches(index, groupOnly)).has(rowid)) expected.push(n);
        }
        expect(missedGroups(catalog.fullText, plan, ordinal), plan.query).toEqual(expected);
      }
    }
  });
});

describe('marks and snippets', () => {
  const marks = (...stems: string[]): Marks => ({ stems: new Set(stems), prefixes: [] });

  it('marks words by stem, and a code as written, whole', () => {
    expect(highlight('Pumps leaking at TG-301, pump seal shows E 104', marks('pump', 'e104'))).toBe(
      '\u0002Pumps\u0003 leaking at TG-301, \u0002pump\u0003 seal shows \u0002E 104\u0003',
    );
    expect(highlight('TG-301 locked out', marks('tg 301'))).toBe('\u0002TG-301\u0003 locked out');
    expect(highlight('Nothing here.', marks('pump'))).toBe('Nothing here.');
  });

  it('marks only the words that count in that document: "station 60" marks no station 30', () => {
    const { postings } = catalog.fullText;
    const holders = (word: string) => new Set(postings.get(stemOf(word))?.documents ?? []);
    // Two corpus words and a document holding the first but not the second.
    const words = corpusWords.filter((word) => word.length > 3 && !/\d/.test(word)).slice(0, 60);
    const [first, second, ordinal] = words
      .flatMap((a) => words.map((b) => [a, b] as const))
      .flatMap(([a, b]) => {
        const lone = [...holders(a)].find((n) => !holders(b).has(n));
        return a !== b && lone !== undefined && holders(b).size > 0 ? [[a, b, lone] as const] : [];
      })[0] ?? ['', '', -1];
    expect(ordinal).toBeGreaterThanOrEqual(0);
    const group = (words: string[]) => ({
      text: words.join(' '),
      reading: 'name' as const,
      alternatives: [{ words, prefix: false }],
      terms: [],
      common: false,
    });
    const plan = { ...planQuery(catalog.lexicon, ''), groups: [group([first, second]), group([first])] };
    // As a name of two words it marks nothing there; as a word of its own it does.
    expect(
      markedWords(catalog.fullText, markingExpression({ ...plan, groups: [group([first, second])] }), ordinal).stems
        .size,
    ).toBe(0);
    expect([...markedWords(catalog.fullText, markingExpression(plan), ordinal).stems]).toEqual([stemOf(first)]);
  });

  it('cuts the best window of 24 words around the distinct matches, with ellipses', () => {
    const filler = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const text = `${filler} the pump seal failed and the valve leaked. ${filler}`;
    const cut = snippet(text, marks('pump', 'valv'));
    expect(cut.startsWith('…')).toBe(true);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).toContain('\u0002pump\u0003 seal failed and the \u0002valve\u0003 leaked');
    expect(cut.replace(/…/g, '').split(/\s+/).length).toBe(24);
    // Nothing matched: the start of the text.
    expect(snippet(text, marks('gearbox'))).toBe(`${filler.split(' ').slice(0, 24).join(' ')}…`);
    expect(snippet('Short body.', marks('bodi'))).toBe('Short \u0002body\u0003');
  });
});
