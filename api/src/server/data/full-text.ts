/**
 * Full-text matching and relevance, in memory. Each index generation's
 * catalog builds it once from the full-text rows (title, summary, body, taxonomy names,
 * codes; see `search/document-text.ts`): every word read as search reads text
 * (`search/text.ts`) and reduced to its Porter stem, as the index's FTS5 table
 * (`porter unicode61`) reads it. A search then costs a walk over the postings of its
 * words instead of an SQL query: FTS5 computing bm25 for every match was two thirds of
 * a search's CPU time (bench/README.md). SQLite keeps the FTS5 table as the text of record.
 *
 * A tier of the search ladder (rank.ts) is an expression over the plan's groups. Its
 * relevance is bm25 as FTS5's `bm25()` computes it, with the column weights of
 * `FTS_WEIGHTS`: a sum over the words of the expression that hold at a document of
 *
 *   idf × f × (k1 + 1) / (f + k1 × (1 − b + b × |D| / avgdl))
 *
 * where f is the word's weighted count in the document, |D| the document's length in
 * words, idf = ln((N − n + 0.5) / (n + 0.5)) over the n documents holding the word (10⁻⁶
 * when not positive). A word under an "all" whose other parts miss does not count; a
 * word the expression names twice counts twice. (FTS5 itself drops a word's share in one
 * case: beside a code phrase in an "any", inside an "all", inside an "any" — a tier-1
 * query with a code — an artefact of how it steps; this engine counts it.)
 */
import { stemmer } from 'stemmer';
import { FTS_WEIGHTS } from '../../index/migrations.ts';
import type { SearchFields } from '../../search/document-text.ts';
import type { Group, QueryPlan } from '../../search/plan.ts';
import type { Tier } from '../../search/rank.ts';
import { words } from '../../search/text.ts';
import type { Marks } from './highlight.ts';

const K1 = 1.2;
const B = 0.75;

/** The searchable columns and their bm25 weights. */
const FIELDS = (['title', 'summary', 'body', 'terms', 'codes'] as const satisfies readonly (keyof SearchFields)[]).map(
  (field) => [field, FTS_WEIGHTS[field]] as const,
);

/** The documents holding a stem (ordinals, ascending) and its weighted count in each. */
interface Posting {
  documents: Int32Array;
  counts: Int32Array;
}

export interface FullText {
  /**
   * Document id and body by ordinal, in full-text row order (FTS5's order for ties). Bodies
   * are kept for snippets, so a results page never waits on SQL.
   */
  ids: string[];
  bodies: string[];
  /** Words per document, every column (a code phrase adds none). */
  lengths: Float64Array;
  averageLength: number;
  /** By stem, and by code phrase ("e 104"). */
  postings: Map<string, Posting>;
}

/** One row of the full-text table. */
export interface FullTextRow {
  id: string;
  fields: Record<(typeof FIELDS)[number][0], string>;
}

/** The Porter stem of a word, as FTS5's porter tokenizer stems it ("30s" → "30", "e104" stays). */
export const stemOf: (word: string) => string = stemmer;

/** A code read as two words ("E-104", "TG 301" → "e" "104"): letters, then a number. */
const CODE = /^(\p{L}+)(\p{N}+\p{L}?)$/u;
const CODE_LETTERS = /^\p{L}+$/u;
const CODE_NUMBER = /^\p{N}+\p{L}?$/u;

/** How the full text reads a word: its stem, and whether a code can start or end with it. */
export interface WordReading {
  stem: string;
  letters: boolean;
  number: boolean;
}

export function readWord(word: string): WordReading {
  return { stem: stemOf(word), letters: CODE_LETTERS.test(word), number: CODE_NUMBER.test(word) };
}

/**
 * The key of a code written as two words ("e 104"), from their stems: a phrase the
 * postings hold besides single stems, so "E-104" and "E 104" count where they are written.
 */
export const phraseKey = (letters: string, number: string) => `${letters} ${number}`;

/**
 * Builds the full text row by row, in row order: a caller can read the rows a page at a
 * time, so a large corpus's text is never all in memory at once as rows.
 */
export function fullTextBuilder(): { add(row: FullTextRow): void; finish(): FullText } {
  const seen = new Map<string, WordReading>();
  const growing = new Map<string, { documents: number[]; counts: number[] }>();
  const [ids, bodies, lengths]: [string[], string[], number[]] = [[], [], []];
  const counts = new Map<string, number>();
  return {
    add(row) {
      const ordinal = ids.length;
      counts.clear();
      let length = 0;
      for (const [field, weight] of FIELDS) {
        const list = words(row.fields[field]);
        length += list.length;
        let previous: WordReading | undefined;
        for (const word of list) {
          const known = seen.get(word) ?? readWord(word);
          seen.set(word, known);
          counts.set(known.stem, (counts.get(known.stem) ?? 0) + weight);
          if (known.number && previous?.letters) {
            const phrase = phraseKey(previous.stem, known.stem);
            counts.set(phrase, (counts.get(phrase) ?? 0) + weight);
          }
          previous = known;
        }
      }
      ids.push(row.id);
      bodies.push(row.fields.body);
      lengths.push(length);
      for (const [stem, count] of counts) {
        const posting = growing.get(stem) ?? { documents: [], counts: [] };
        growing.set(stem, posting);
        posting.documents.push(ordinal);
        posting.counts.push(count);
      }
    },
    finish() {
      const postings = new Map<string, Posting>();
      for (const [stem, posting] of growing)
        postings.set(stem, { documents: Int32Array.from(posting.documents), counts: Int32Array.from(posting.counts) });
      const total = lengths.reduce((sum, length) => sum + length, 0);
      return {
        ids,
        bodies,
        lengths: Float64Array.from(lengths),
        averageLength: ids.length > 0 ? total / ids.length : 0,
        postings,
      };
    },
  };
}

/**
 * A search expression: a word, or all / any of some expressions. A word is matched by its
 * stem (or as the start of stems, `prefix`); `word` is the corpus word it stands for.
 */
export type Expression = Word | { all: Expression[] } | { any: Expression[] };
export interface Word {
  word: string;
  stem: string;
  prefix: boolean;
}

const all = (parts: Expression[]): Expression => (parts.length === 1 ? (parts[0] as Expression) : { all: parts });
const any = (parts: Expression[]): Expression => (parts.length === 1 ? (parts[0] as Expression) : { any: parts });

/** A group as an expression: any of its alternatives, each all of its words; undefined when it has none. */
export function groupExpression(group: Group): Expression | undefined {
  const alternatives = group.alternatives.map((alternative) =>
    all(
      alternative.words.map((word, n): Expression => {
        if (alternative.prefix && n === alternative.words.length - 1) return { word, stem: word, prefix: true };
        // A code matches joined ("e104") or as the two words the text may write it as ("E-104").
        const code = CODE.exec(word);
        const joined = { word, stem: stemOf(word), prefix: false };
        if (!code) return joined;
        const [letters, number] = [code[1] as string, code[2] as string];
        return {
          any: [
            joined,
            { word: `${letters} ${number}`, stem: phraseKey(stemOf(letters), stemOf(number)), prefix: false },
          ],
        };
      }),
    ),
  );
  return alternatives.length > 0 ? any(alternatives) : undefined;
}

/** The expression matching documents of `tier` or better (see rank.ts); undefined when none can. */
export function tierExpression(plan: QueryPlan, tier: Tier): Expression | undefined {
  const groups = plan.groups.map(groupExpression);
  const known = groups.filter((g): g is Expression => g !== undefined);
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

/** The words of an expression, in order (a word named twice is there twice). */
function leavesOf(expression: Expression): Word[] {
  if ('stem' in expression) return [expression];
  return ('all' in expression ? expression.all : expression.any).flatMap(leavesOf);
}

/** The posting of a word; of a prefix, every stem starting with it, counts added up. */
function postingOf(text: FullText, { stem, prefix }: Word): Posting | undefined {
  if (!prefix) return text.postings.get(stem);
  const merged = new Map<number, number>();
  for (const [key, posting] of text.postings) {
    if (!key.startsWith(stem) || key.includes(' ')) continue;
    posting.documents.forEach((document, i) => {
      merged.set(document, (merged.get(document) ?? 0) + (posting.counts[i] as number));
    });
  }
  if (merged.size === 0) return undefined;
  const documents = Int32Array.from([...merged.keys()].sort((a, b) => a - b));
  return { documents, counts: Int32Array.from(documents, (document) => merged.get(document) as number) };
}

/** Whether an expression holds at a document, given its words' counts there (by leaf); marks the leaves that count. */
type Test = (counts: Int32Array, counted: Uint8Array) => boolean;

/** An expression as a test, its leaves numbered from `first` in order; the test and the next number. */
function compile(expression: Expression, first = 0): { test: Test; next: number } {
  if ('stem' in expression) {
    const test: Test = (counts, counted) => {
      counted[first] = (counts[first] as number) > 0 ? 1 : 0;
      return counted[first] === 1;
    };
    return { test, next: first + 1 };
  }
  const parts: Test[] = [];
  let next = first;
  for (const part of 'all' in expression ? expression.all : expression.any) {
    const compiled = compile(part, next);
    parts.push(compiled.test);
    next = compiled.next;
  }
  const end = next;
  const every = 'all' in expression;
  const test: Test = (counts, counted) => {
    let matched = every;
    for (const part of parts) matched = part(counts, counted) ? matched || !every : matched && !every;
    if (!matched) counted.fill(0, first, end);
    return matched;
  };
  return { test, next: end };
}

/** The documents an expression can match (ascending): intersections of "all", unions of "any". */
function candidates(
  expression: Expression,
  postingAt: (leaf: number) => Posting | undefined,
  first = 0,
): { documents: Int32Array; next: number } {
  if ('stem' in expression) return { documents: postingAt(first)?.documents ?? new Int32Array(), next: first + 1 };
  const lists: Int32Array[] = [];
  let next = first;
  for (const part of 'all' in expression ? expression.all : expression.any) {
    const found = candidates(part, postingAt, next);
    lists.push(found.documents);
    next = found.next;
  }
  if ('all' in expression) {
    lists.sort((a, b) => a.length - b.length);
    return { documents: lists.reduce(intersect), next };
  }
  return { documents: lists.reduce(union), next };
}

function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let [i, j, n] = [0, 0, 0];
  while (i < a.length && j < b.length) {
    const [x, y] = [a[i] as number, b[j] as number];
    if (x === y) {
      out[n++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out.subarray(0, n);
}

function union(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let [i, j, n] = [0, 0, 0];
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Number.POSITIVE_INFINITY;
    const y = j < b.length ? (b[j] as number) : Number.POSITIVE_INFINITY;
    out[n++] = Math.min(x, y);
    if (x <= y) i++;
    if (y <= x) j++;
  }
  return out.subarray(0, n);
}

/** A document an expression matched. */
export interface FullTextMatch {
  ordinal: number;
  /** bm25 turned positive: larger is better. */
  relevance: number;
}

/**
 * The documents matching an expression, in row order: at most `limit`, the best by
 * relevance (of equal ones, the earlier rows, as FTS5's ORDER BY rank LIMIT keeps them).
 */
export function matchExpression(text: FullText, expression: Expression, limit: number): FullTextMatch[] {
  const leaves = leavesOf(expression);
  const postings = leaves.map((leaf) => postingOf(text, leaf));
  const size = text.ids.length;
  const idf = Float64Array.from(postings, (posting) => {
    const n = posting?.documents.length ?? 0;
    const value = Math.log((size - n + 0.5) / (n + 0.5));
    return value > 0 ? value : 1e-6;
  });
  const { test } = compile(expression);
  // Candidates ascend, so each posting is read forward once, whatever the candidates.
  const cursors = new Int32Array(leaves.length);
  const counts = new Int32Array(leaves.length);
  const counted = new Uint8Array(leaves.length);
  const matches: FullTextMatch[] = [];
  for (const document of candidates(expression, (leaf) => postings[leaf]).documents) {
    for (let i = 0; i < leaves.length; i++) {
      const posting = postings[i];
      if (!posting) continue;
      let cursor = cursors[i] as number;
      while (cursor < posting.documents.length && (posting.documents[cursor] as number) < document) cursor++;
      cursors[i] = cursor;
      counts[i] = posting.documents[cursor] === document ? (posting.counts[cursor] as number) : 0;
    }
    if (!test(counts, counted)) continue;
    const norm = K1 * (1 - B + (B * (text.lengths[document] as number)) / text.averageLength);
    let relevance = 0;
    for (let i = 0; i < leaves.length; i++) {
      if (counted[i] === 0) continue;
      const f = counts[i] as number;
      relevance += ((idf[i] as number) * (f * (K1 + 1))) / (f + norm);
    }
    matches.push({ ordinal: document, relevance });
  }
  if (matches.length <= limit) return matches;
  // The cut: every match above the limit-th best relevance, then ties in row order.
  const cut = Float64Array.from(matches, (match) => match.relevance).sort()[matches.length - limit] as number;
  let room = limit - matches.filter((match) => match.relevance > cut).length;
  return matches.filter((match) => match.relevance > cut || (match.relevance === cut && room-- > 0));
}

/** Whether an expression holds at one document, and which of its words count there. */
function evaluateAt(text: FullText, expression: Expression, ordinal: number) {
  const leaves = leavesOf(expression);
  const counts = Int32Array.from(leaves, (leaf) => countIn(postingOf(text, leaf), ordinal));
  const counted = new Uint8Array(leaves.length);
  return { holds: compile(expression).test(counts, counted), leaves, counted };
}

/** Indices of the plan's groups that one document does not match (to judge a partial match). */
export function missedGroups(text: FullText, plan: QueryPlan, ordinal: number): number[] {
  return plan.groups.flatMap((group, n) => {
    const expression = groupExpression(group);
    return expression && evaluateAt(text, expression, ordinal).holds ? [] : [n];
  });
}

/** A posting's count in one document; 0 when the document is not in it. */
function countIn(posting: Posting | undefined, ordinal: number): number {
  if (!posting) return 0;
  let [low, high] = [0, posting.documents.length - 1];
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = posting.documents[middle] as number;
    if (at === ordinal) return posting.counts[middle] as number;
    if (at < ordinal) low = middle + 1;
    else high = middle - 1;
  }
  return 0;
}

/**
 * What a results page marks: the words of the distinctive parts (a common word marked
 * everywhere marks nothing), else of every part. Computed once per page.
 */
export function markingExpression(plan: QueryPlan): Expression | undefined {
  return tierExpression(plan, 2) ?? tierExpression(plan, 0);
}

/**
 * The words of the marking expression that count in one document, so "station 60" marks
 * no "station" in a document about station 30.
 */
export function markedWords(text: FullText, marking: Expression | undefined, ordinal: number): Marks {
  const marks: Marks = { stems: new Set(), prefixes: [] };
  if (!marking) return marks;
  const { leaves, counted } = evaluateAt(text, marking, ordinal);
  leaves.forEach((leaf, i) => {
    if (counted[i] === 0) return;
    if (leaf.prefix) marks.prefixes.push(leaf.stem);
    else marks.stems.add(leaf.stem);
  });
  return marks;
}
