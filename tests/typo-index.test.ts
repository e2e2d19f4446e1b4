/**
 * Property: the typo index (words bucketed by first letter and length, built once with the
 * lexicon) corrects every word exactly as the scan it replaced — edit distance against
 * every corpus word of a length within the budget — did.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLexicon, lexiconData } from '../api/src/search/lexicon.ts';
import { editDistance, typoBudget } from '../api/src/search/typo.ts';

/** The scan `corrections` used before the typo index, kept as the oracle. */
function scanCorrections(vocabulary: ReadonlyMap<string, number>, tierOf: (w: string) => number, word: string) {
  const budget = typoBudget(word);
  if (budget === 0) return [];
  const found: { word: string; distance: number; score: number }[] = [];
  for (const candidate of vocabulary.keys()) {
    if (Math.abs(candidate.length - word.length) > budget) continue;
    const distance = editDistance(word, candidate, budget);
    const swapped = candidate[0] === word[1] && candidate[1] === word[0];
    if (distance > budget || (candidate[0] !== word[0] && !swapped)) continue;
    found.push({ word: candidate, distance, score: distance * 10 - tierOf(candidate) });
  }
  if (found.length === 0) return [];
  const best = Math.min(...found.map((f) => f.distance));
  return found
    .filter((f) => f.distance === best)
    .sort((a, b) => a.score - b.score || a.word.localeCompare(b.word))
    .slice(0, 3)
    .map((f) => f.word);
}

// A small alphabet, so random words often lie within one or two edits of each other.
const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'r', 't'), minLength: 1, maxLength: 9 });

describe('typo index', () => {
  it('gives the same corrections as a scan over the vocabulary', () => {
    fc.assert(
      fc.property(
        fc.dictionary(word, fc.integer({ min: 1, max: 40 }), { minKeys: 1, maxKeys: 200 }),
        fc.array(word, { minLength: 1, maxLength: 20 }),
        (frequencies, queries) => {
          const vocabulary = new Map(Object.entries(frequencies));
          const lexicon = createLexicon(lexiconData(vocabulary, [], 60));
          for (const query of [...queries, ...vocabulary.keys()].slice(0, 60)) {
            expect(lexicon.corrections(query)).toEqual(scanCorrections(vocabulary, (w) => lexicon.tier(w), query));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the corrections of the sample typos', () => {
    const vocabulary = new Map([
      ['torque', 20],
      ['tongue', 1],
      ['spindle', 5],
      ['stopping', 3],
      ['dropping', 3],
    ]);
    const lexicon = createLexicon(lexiconData(vocabulary, [], 40));
    expect(lexicon.corrections('tourqe')).toEqual(['torque']);
    expect(lexicon.corrections('otrque')).toEqual(['torque']);
    expect(lexicon.corrections('spindel')).toEqual(['spindle']);
    expect(lexicon.corrections('dropping')).toEqual(['dropping']);
  });
});
