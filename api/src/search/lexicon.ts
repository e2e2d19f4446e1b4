/**
 * What search knows about a corpus before it looks anything up: every word the
 * documents hold (with how common it is) and the taxonomy's names for things (labels,
 * aliases, asset tags, codes). The API builds it from the index; the portal build writes
 * it as a small JSON file next to Pagefind's index. Plain data in, lookups out.
 */
import { stemmer } from 'stemmer';
import type { Dimension } from '../content/dimensions.ts';
import { phraseKey, words } from './text.ts';
import { editDistance, typoBudget } from './typo.ts';

/** A taxonomy term as search sees it. */
export interface LexiconTerm {
  dimension: Dimension;
  id: string;
  label: string;
  /** Names people use for it, as phrase keys: label, aliases, the asset tag, the id's last part. */
  names: string[];
  /** Words of its label, aliases and description, for "your words point to …". */
  about: string[];
}

/**
 * The serialised lexicon. Words are grouped by how many documents hold them — tiers of
 * 1, 2–3, 4–9, 10 or more, and "common" (10 or more and at least half the documents) —
 * each tier one sorted, space-separated string, which compresses well and tells typo
 * correction which of two close words is the likelier.
 */
export interface LexiconData {
  version: 1;
  words: [string, string, string, string, string];
  terms: LexiconTerm[];
}

/** Lower bounds of the document-frequency tiers below "common". */
const TIERS = [1, 2, 4, 10] as const;
const COMMON = 4;

export interface Lexicon {
  /** Whether some document holds this word. */
  has(word: string): boolean;
  /** 0 (in one document) to 4 (common); -1 when absent. */
  tier(word: string): number;
  /** In at least half the documents (and ten or more): it tells documents apart hardly at all. */
  isCommon(word: string): boolean;
  /** Corpus words with the same Porter stem ("dropping" → "drop", "dropped"), commonest first. */
  sameStem(word: string, limit?: number): string[];
  /** Whether some corpus word starts with `prefix`. */
  hasPrefix(prefix: string): boolean;
  /** Corpus words within the word's typo budget, closest and commonest first (at most `limit`). */
  corrections(word: string, limit?: number): string[];
  /** Terms named by a phrase key. */
  termsNamed(key: string): readonly LexiconTerm[];
  /** Longest name of any term, in words. */
  readonly longestName: number;
  readonly terms: readonly LexiconTerm[];
}

/**
 * Serialises corpus words (word → number of documents holding it) and terms; `documents`
 * is how many documents the corpus has.
 */
export function lexiconData(
  documentFrequency: ReadonlyMap<string, number>,
  terms: LexiconTerm[],
  documents: number,
): LexiconData {
  const tiers: string[][] = [[], [], [], [], []];
  for (const [word, count] of documentFrequency) {
    if (count < 1) continue;
    const tier = count >= 10 && count * 2 >= documents ? COMMON : TIERS.findLastIndex((bound) => count >= bound);
    tiers[tier]?.push(word);
  }
  const [a, b, c, d, e] = tiers.map((list) => list.sort().join(' '));
  return { version: 1, words: [a ?? '', b ?? '', c ?? '', d ?? '', e ?? ''], terms };
}

/** A term's names and about-words from its taxonomy entry. */
export function lexiconTerm(
  dimension: Dimension,
  entry: { id: string; label: string; aliases: readonly string[]; description?: string | undefined },
): LexiconTerm {
  const tail = entry.id.split('.').at(-1) ?? entry.id;
  const names = new Set([entry.label, ...entry.aliases, tail].map(phraseKey).filter((key) => key.length > 0));
  const about = new Set(words([entry.label, ...entry.aliases, entry.description ?? ''].join(' ')));
  return { dimension, id: entry.id, label: entry.label, names: [...names], about: [...about] };
}

/** Key of a typo-index bucket. */
const startKey = (first: string, length: number) => `${first}${length}`;

/** Builds the lookups over serialised data. */
export function createLexicon(data: LexiconData): Lexicon {
  const tierOf = new Map<string, number>();
  data.words.forEach((list, tier) => {
    if (list) for (const word of list.split(' ')) tierOf.set(word, tier);
  });
  const sorted = [...tierOf.keys()].sort();
  // The typo index: words by first letter and length. A correction keeps the first letter
  // (or swaps the first two), and its length is within the budget, so `corrections` reads
  // a few small buckets instead of scanning the vocabulary with edit distance.
  const byStart = new Map<string, string[]>();
  for (const word of sorted) {
    const key = startKey(word[0] ?? '', word.length);
    const list = byStart.get(key);
    if (list) list.push(word);
    else byStart.set(key, [word]);
  }
  const byStem = new Map<string, string[]>();
  for (const word of sorted) {
    if (/\p{N}/u.test(word)) continue;
    const stem = stemmer(word);
    const list = byStem.get(stem);
    if (list) list.push(word);
    else byStem.set(stem, [word]);
  }
  const named = new Map<string, LexiconTerm[]>();
  let longestName = 1;
  for (const term of data.terms) {
    for (const name of term.names) {
      const list = named.get(name);
      if (list) list.push(term);
      else named.set(name, [term]);
      longestName = Math.max(longestName, name.split(' ').length);
    }
  }
  return {
    has: (word) => tierOf.has(word),
    sameStem(word, limit = 3) {
      return (byStem.get(stemmer(word)) ?? [])
        .filter((other) => other !== word)
        .sort((a, b) => (tierOf.get(b) ?? 0) - (tierOf.get(a) ?? 0) || a.length - b.length)
        .slice(0, limit);
    },
    tier: (word) => tierOf.get(word) ?? -1,
    isCommon: (word) => tierOf.get(word) === COMMON,
    hasPrefix(prefix) {
      let low = 0;
      let high = sorted.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if ((sorted[middle] as string) < prefix) low = middle + 1;
        else high = middle;
      }
      return sorted[low]?.startsWith(prefix) ?? false;
    },
    corrections(word, limit = 3) {
      const budget = typoBudget(word);
      if (budget === 0) return [];
      const found: { word: string; distance: number; score: number }[] = [];
      // Typos rarely hit the first letter: "tourqe" is torque; "dropping" is not stopping,
      // "bits" not "its". A swap of the first two letters ("otrque") is the exception.
      const starts = [...new Set([word[0] ?? '', word[1] ?? ''])];
      for (let length = word.length - budget; length <= word.length + budget; length++) {
        for (const candidate of starts.flatMap((start) => byStart.get(startKey(start, length)) ?? [])) {
          const swapped = candidate[0] === word[1] && candidate[1] === word[0];
          if (candidate[0] !== word[0] && !swapped) continue;
          const distance = editDistance(word, candidate, budget);
          if (distance > budget) continue;
          // Closest first, then the commoner word.
          const score = distance * 10 - (tierOf.get(candidate) ?? 0);
          found.push({ word: candidate, distance, score });
        }
      }
      if (found.length === 0) return [];
      const best = Math.min(...found.map((f) => f.distance));
      return found
        .filter((f) => f.distance === best)
        .sort((a, b) => a.score - b.score || a.word.localeCompare(b.word))
        .slice(0, limit)
        .map((f) => f.word);
    },
    termsNamed: (key) => named.get(key) ?? [],
    longestName,
    terms: data.terms,
  };
}
